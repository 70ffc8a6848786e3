/**
 * The places a scope covers, read from the inventory's tables: the 2019 communes
 * of a district or the one commune, and the commune of a camera or station.
 * Read-only SQL here so the auth module need not import the inventory module.
 */
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Scope } from './user.entity';

@Injectable()
export class ScopeRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Whether the scope names an existing district or commune of the 2019 layout. */
  async exists(scope: Scope): Promise<boolean> {
    const rows = await this.dataSource.query(`SELECT 1 FROM admin_unit WHERE layout = '2019' AND level = $1 AND code = $2`, [scope.kind, scope.code]);
    return rows.length > 0;
  }

  /** The 2019 commune codes the scope covers. */
  async communes(scope: Scope): Promise<Set<string>> {
    if (scope.kind === 'commune') return new Set([scope.code]);
    const rows: { code: string }[] = await this.dataSource.query(
      `SELECT code FROM admin_unit WHERE layout = '2019' AND level = 'commune' AND parent_code = $1`,
      [scope.code],
    );
    return new Set(rows.map((r) => r.code));
  }

  /** The commune of a camera or station by code; null when there is none. */
  async communeOf(table: 'camera' | 'station', code: string): Promise<string | null> {
    const rows: { commune_code: string }[] = await this.dataSource.query(`SELECT commune_code FROM ${table} WHERE code = $1`, [code]);
    return rows[0]?.commune_code ?? null;
  }

  /** Of these camera codes, those whose camera lies in one of `communes`. */
  async camerasIn(codes: string[], communes: Set<string>): Promise<Set<string>> {
    if (codes.length === 0) return new Set();
    const rows: { code: string }[] = await this.dataSource.query(`SELECT code FROM camera WHERE code = ANY($1) AND commune_code = ANY($2)`, [
      codes,
      [...communes],
    ]);
    return new Set(rows.map((r) => r.code));
  }

  /** Of these alert subjects (camera:<code>, station:<code>), those in one of `communes`. */
  async subjectsIn(subjects: string[], communes: Set<string>): Promise<Set<string>> {
    if (subjects.length === 0) return new Set();
    const rows: { subject: string }[] = await this.dataSource.query(
      `SELECT 'camera:' || code AS subject FROM camera WHERE 'camera:' || code = ANY($1) AND commune_code = ANY($2)
       UNION ALL
       SELECT 'station:' || code FROM station WHERE 'station:' || code = ANY($1) AND commune_code = ANY($2)`,
      [subjects, [...communes]],
    );
    return new Set(rows.map((r) => r.subject));
  }
}
