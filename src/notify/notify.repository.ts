/** Where an alert's subject is: its communes and district, for routing mail. */
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AlertNotice } from './mail.composer';

@Injectable()
export class NotifyRepository {
  constructor(private readonly db: DataSource) {}

  async placeOf(subject: string): Promise<AlertNotice['place']> {
    const [type, code] = subject.split(':', 2);
    const table = type === 'station' ? 'station' : 'camera';
    const [row] = await this.db.query(
      `SELECT x.commune_code, x.commune_code_2025, au.name AS commune_name, au.parent_code AS district, ad.name AS district_name
       FROM ${table} x
       LEFT JOIN admin_unit au ON au.layout = '2019' AND au.level = 'commune' AND au.code = x.commune_code
       LEFT JOIN admin_unit ad ON ad.layout = '2019' AND ad.level = 'district' AND ad.code = au.parent_code
       WHERE x.code = $1`,
      [code],
    );
    return {
      commune: row?.commune_code ?? null,
      commune2025: row?.commune_code_2025 ?? null,
      communeName: row?.commune_name ?? null,
      district: row?.district ?? null,
      districtName: row?.district_name ?? null,
    };
  }
}
