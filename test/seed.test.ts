/**
 * Loads the whole Long An seed into a fresh database (PostgreSQL when DATABASE_URL
 * is set, else PGlite) and checks it with SQL.
 */
import { generateSecretKey, SecretBox } from '../src/common/secret-box';
import { generateSeedInventory } from '../src/seed/seed.generator';
import { isSeedLoaded } from '../src/database/seed-meta';
import { loadSeedInventory, SeedRefusedError } from '../src/seed/seed.loader';
import type { SeedInventory } from '../src/seed/seed.types';
import { openTestDatabase, TestDatabase } from './support/database';

const NOW = new Date('2026-01-15T08:00:00.000Z');
const INTERVAL_S = 60;

describe(`seed loader`, () => {
  let db: TestDatabase;
  let inv: SeedInventory;
  const box = new SecretBox(generateSecretKey());
  const messages: string[] = [];
  let loadMs = 0;

  beforeAll(async () => {
    db = await openTestDatabase();
    inv = generateSeedInventory({ simBaseUrl: 'http://127.0.0.1:8899' });
  });
  afterAll(() => db?.close());

  const count = async (sql: string, params: unknown[] = []): Promise<number> => Number((await db.dataSource.query(sql, params))[0].n);

  it('loads everything in one go', async () => {
    expect(await isSeedLoaded(db.dataSource)).toBe(false);
    const started = performance.now();
    const result = await loadSeedInventory(db.dataSource, inv, (p) => box.encrypt(p), {
      now: NOW,
      intervalS: INTERVAL_S,
      log: (m) => messages.push(m),
    });
    loadMs = performance.now() - started;
    // Printed so the figure is visible in CI logs for both engines.
    process.stdout.write(`seed load on ${db.engine}: ${Math.round(loadMs)} ms\n`);
    expect(result).toMatchObject({ adminUnits: 269, routes: 8, stations: 670, cameras: 24609, roadSigns: 115, probeSchedules: 1696 });
    expect(messages).toHaveLength(1);
    expect(await isSeedLoaded(db.dataSource)).toBe(true);
  });

  it('holds the report figures in SQL', async () => {
    const rows: { ownership: string; n: string }[] = await db.dataSource.query(`SELECT ownership, count(*) AS n FROM camera GROUP BY ownership`);
    expect(Object.fromEntries(rows.map((r) => [r.ownership, Number(r.n)]))).toEqual({ station: 1696, citizen: 5572, business: 17110, household: 231 });
    expect(await count(`SELECT count(*) AS n FROM station`)).toBe(670);
    expect(await count(`SELECT count(DISTINCT commune_code) AS n FROM station`)).toBe(112);
    expect(await count(`SELECT count(*) AS n FROM road_sign`)).toBe(115);
    expect(await count(`SELECT sum(funding_vnd) AS n FROM station`)).toBeGreaterThanOrEqual(12_000_000_000);
    expect(await count(`SELECT count(*) AS n FROM admin_unit WHERE layout = '2019' AND level = 'commune'`)).toBe(192);
    expect(await count(`SELECT count(*) AS n FROM admin_unit WHERE layout = '2025-07' AND level = 'commune' AND boundary IS NOT NULL`)).toBe(60);
    expect(await count(`SELECT count(*) AS n FROM route`)).toBe(8);
    // Every station camera points at its station; no private camera does.
    expect(await count(`SELECT count(*) AS n FROM camera WHERE (ownership = 'station') <> (station_id IS NOT NULL)`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM camera c JOIN station s ON s.id = c.station_id WHERE c.code NOT LIKE s.code || '-C%'`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM camera WHERE commune_code_2025 IS NULL`)).toBe(0);
    // jsonb went in as objects, not as strings.
    expect(await count(`SELECT count(*) AS n FROM admin_unit WHERE jsonb_typeof(properties) <> 'object'`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM route WHERE geometry->>'type' = 'LineString'`)).toBe(8);
  });

  it('creates state rows for all, and probe schedules spread over the first interval', async () => {
    expect(await count(`SELECT count(*) AS n FROM camera_state WHERE status = 'unknown'`)).toBe(24609);
    expect(await count(`SELECT count(*) AS n FROM station_state WHERE status = 'unknown'`)).toBe(670);
    expect(await count(`SELECT count(*) AS n FROM probe_schedule p JOIN camera c ON c.id = p.camera_id WHERE c.onvif_url IS NOT NULL`)).toBe(1696);
    const [span] = await db.dataSource.query(
      `SELECT min(next_at) AS first, max(next_at) AS last, min(interval_s) AS lo, max(interval_s) AS hi FROM probe_schedule`,
    );
    expect(new Date(span.first).toISOString()).toBe(NOW.toISOString());
    const lastOffsetS = (new Date(span.last).getTime() - NOW.getTime()) / 1000;
    expect(lastOffsetS).toBeGreaterThan(INTERVAL_S * 0.9);
    expect(lastOffsetS).toBeLessThan(INTERVAL_S);
    expect([span.lo, span.hi]).toEqual([INTERVAL_S, INTERVAL_S]);
  });

  it('stores no plain password: each sealed secret opens to the generated one', async () => {
    const rows: { code: string; onvif_user: string; onvif_secret_enc: string }[] = await db.dataSource.query(
      `SELECT code, onvif_user, onvif_secret_enc FROM camera WHERE onvif_url IS NOT NULL ORDER BY code`,
    );
    expect(rows).toHaveLength(1696);
    const password = new Map(inv.cameras.map((c) => [c.code, c.onvifPassword]));
    const wrong = rows.filter(
      (r) => r.onvif_user !== 'admin' || r.onvif_secret_enc === password.get(r.code) || box.decrypt(r.onvif_secret_enc) !== password.get(r.code),
    );
    expect(wrong).toEqual([]);
    const someone = inv.cameras.find((c) => c.onvifPassword)!.onvifPassword!;
    expect(await count(`SELECT count(*) AS n FROM camera WHERE onvif_secret_enc LIKE '%' || $1 || '%'`, [someone])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM camera WHERE onvif_url IS NULL AND onvif_secret_enc IS NOT NULL`)).toBe(0);
  });

  it('records the seed in camnet_meta', async () => {
    const [meta] = await db.dataSource.query(`SELECT value FROM camnet_meta WHERE key = 'seed'`);
    expect(meta.value).toMatchObject({ generator_version: inv.generatorVersion, seed: inv.seed, loaded_at: NOW.toISOString() });
  });

  it('refuses a second load and writes nothing', async () => {
    const before = await db.dataSource.query(
      `SELECT (SELECT count(*) FROM camera) AS cameras, (SELECT count(*) FROM station) AS stations,
              (SELECT count(*) FROM road_sign) AS signs, (SELECT count(*) FROM probe_schedule) AS probes,
              (SELECT value::text FROM camnet_meta WHERE key = 'seed') AS meta`,
    );
    await expect(loadSeedInventory(db.dataSource, inv, (p) => box.encrypt(p), { now: new Date('2027-01-01T00:00:00Z') })).rejects.toThrow(SeedRefusedError);
    await expect(loadSeedInventory(db.dataSource, inv, (p) => box.encrypt(p))).rejects.toThrow(/already holds 670 stations and 24609 cameras/);
    const after = await db.dataSource.query(
      `SELECT (SELECT count(*) FROM camera) AS cameras, (SELECT count(*) FROM station) AS stations,
              (SELECT count(*) FROM road_sign) AS signs, (SELECT count(*) FROM probe_schedule) AS probes,
              (SELECT value::text FROM camnet_meta WHERE key = 'seed') AS meta`,
    );
    expect(after).toEqual(before);
  });
});

describe('seed loader, failing half-way', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(() => db?.close());

  it('rolls back everything when a row is rejected', async () => {
    const inv = generateSeedInventory({ simBaseUrl: 'http://127.0.0.1:8899' });
    // The last road sign (inserted after every camera) names an unknown route: all rows before it must vanish too.
    const broken = { ...inv, roadSigns: [...inv.roadSigns, { ...inv.roadSigns[0], routeRef: 'NO-SUCH-ROUTE' }] };
    // TypeORM prints the failed statement with all its parameters; keep the test output readable.
    const quiet = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await expect(loadSeedInventory(db.dataSource, broken, (p) => `sealed:${p.length}`, { now: NOW })).rejects.toThrow(/road_sign/);
    } finally {
      quiet.mockRestore();
    }
    const [n] = await db.dataSource.query(
      `SELECT (SELECT count(*) FROM admin_unit)::int AS units, (SELECT count(*) FROM station)::int AS stations,
              (SELECT count(*) FROM camera)::int AS cameras, (SELECT count(*) FROM camnet_meta)::int AS meta`,
    );
    expect(n).toEqual({ units: 0, stations: 0, cameras: 0, meta: 0 });
    expect(await isSeedLoaded(db.dataSource)).toBe(false);
  });
});
