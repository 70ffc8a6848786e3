/**
 * A Nest application around one module under test, on a fresh migrated
 * database, with real HTTP on 127.0.0.1 and a hand-driven clock. Shared by the
 * coverage, search and planning tests.
 */
import { INestApplication, Type } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { AuthModule } from '../../src/auth/auth.module';
import { Role } from '../../src/auth/api-token.entity';
import { TokenService } from '../../src/auth/token.service';
import { ManualClock } from '../../src/common/clock';
import { applyHttpDefaults } from '../../src/http-defaults';
import { testCoreModule } from '../support/core';
import { openTestDatabase, TestDatabase } from '../support/database';

export interface TestApp {
  app: INestApplication;
  db: TestDatabase;
  clock: ManualClock;
  url: string;
  token(role: Role): Promise<string>;
  close(): Promise<void>;
}

/**
 * `prepare` runs on the migrated database before the application starts, so
 * modules that load their state at bootstrap see the inventory it inserts.
 */
export async function startTestApp(
  modules: Type<unknown>[],
  prepare: (db: TestDatabase) => Promise<void>,
  now = new Date('2025-03-01T12:00:00Z'),
): Promise<TestApp> {
  const db = await openTestDatabase();
  try {
    await prepare(db);
    const clock = new ManualClock(now.getTime());
    const moduleRef = await Test.createTestingModule({ imports: [testCoreModule(db.dataSource, clock), AuthModule, ...modules] }).compile();
    const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: ['error'] });
    applyHttpDefaults(app);
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    const url = `http://127.0.0.1:${address.port}`;
    const tokens = new Map<Role, string>();
    return {
      app,
      db,
      clock,
      url,
      async token(role) {
        if (!tokens.has(role)) tokens.set(role, (await app.get(TokenService).create(`test ${role}`, role)).token);
        return tokens.get(role)!;
      },
      async close() {
        await app.close();
        await db.close();
      },
    };
  } catch (err) {
    await db.close();
    throw err;
  }
}

export interface CameraFixture {
  code: string;
  ownership?: 'station' | 'citizen' | 'business' | 'household';
  station_id?: number | null;
  commune_code?: string;
  lat: number;
  lon: number;
  heading_deg: number;
  fov_deg?: number;
  range_m?: number;
  owner_name?: string | null;
  owner_phone?: string | null;
  registered_on?: string | null;
  retired_on?: string | null;
}

/** Inserts cameras (a handful per test); answers their ids by code. */
export interface RouteFixture {
  ref: string;
  name?: string;
  coordinates: [number, number][];
}

export async function insertRoutes(db: TestDatabase, routes: RouteFixture[]): Promise<void> {
  for (const r of routes) {
    await db.dataSource.query(`INSERT INTO route (ref, name, kind, geometry, length_m) VALUES ($1, $2, 'national_highway', $3, 0)`, [
      r.ref,
      r.name ?? r.ref,
      JSON.stringify({ type: 'LineString', coordinates: r.coordinates }),
    ]);
  }
}

export async function insertCameras(db: TestDatabase, cameras: CameraFixture[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const c of cameras) {
    const [row] = await db.dataSource.query(
      `INSERT INTO camera (code, ownership, station_id, commune_code, lat, lon, heading_deg, fov_deg, range_m, owner_name, owner_phone, registered_on, retired_on)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
      [
        c.code,
        c.ownership ?? 'station',
        c.station_id ?? null,
        c.commune_code ?? '27685',
        c.lat,
        c.lon,
        c.heading_deg,
        c.fov_deg ?? 90,
        c.range_m ?? 100,
        c.owner_name ?? null,
        c.owner_phone ?? null,
        c.registered_on ?? null,
        c.retired_on ?? null,
      ],
    );
    ids.set(c.code, Number(row.id));
  }
  return ids;
}
