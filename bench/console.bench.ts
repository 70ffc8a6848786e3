/**
 * `npm run bench:console`: the technician's figures over the full Long An inventory
 * with every camera made monitored (24,609 cameras): GET /api/incidents with 1,000
 * cameras down (p50/p95 over HTTP), and the province uptime breakdown over 30 days
 * (time to first byte), before and after the daily rollups. Embedded PGlite in a
 * temporary folder, or CONSOLE_BENCH_DATABASE_URL (an empty PostgreSQL database).
 * The last line printed is JSON.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { TokenService } from '../src/auth/token.service';
import { startCamnet } from '../src/bootstrap';
import { loadConfig } from '../src/config/config';
import { UptimeRollup } from '../src/uptime/uptime.rollup';
import { machineNote, percentile, progress, round, runMain } from './bench.support';

const DOWN = 1000;
const REQUESTS = 60;
const DAY = 86_400_000;

/** Milliseconds to the response's headers (first byte) and to its end. */
function timedGet(url: string, token: string): Promise<{ ttfbMs: number; totalMs: number; bytes: number; status: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.get(url, { headers: { Authorization: `Bearer ${token}` } }, (res) => {
      const ttfbMs = performance.now() - t0;
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ ttfbMs, totalMs: performance.now() - t0, bytes, status: res.statusCode ?? 0 }));
    });
    req.on('error', reject);
  });
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: round(percentile(s, 50), 1), p95: round(percentile(s, 95), 1), max: round(s[s.length - 1], 1) };
};

async function main(): Promise<Record<string, unknown>> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'camnet-console-bench-'));
  const env: Record<string, string | undefined> = {
    PORT: '0',
    CAMNET_DATA_DIR: dataDir,
    CAMNET_SIMULATOR: 'off',
    CAMNET_MONITORING: 'off',
    CAMNET_SEED: 'on',
    MQTT_EMBEDDED_PORT: '0',
    CAMNET_LOG_LEVEL: 'warn',
  };
  if (process.env.CONSOLE_BENCH_DATABASE_URL) {
    env.DATABASE_URL = process.env.CONSOLE_BENCH_DATABASE_URL;
    env.CAMNET_SECRET_KEY = 'a'.repeat(64);
  }
  const camnet = await startCamnet(loadConfig(env), { listen: true });
  try {
    const app = camnet.app;
    const db = app.get(DataSource);
    const url = camnet.url.replace('localhost', '127.0.0.1');
    const { token } = await app.get(TokenService).create('console bench', 'admin');

    progress('making every camera monitored and 1,000 of them down');
    await db.query(`UPDATE camera SET onvif_url = 'http://127.0.0.1:9/onvif/' || code WHERE onvif_url IS NULL`);
    await db.query(`INSERT INTO camera_state (camera_id) SELECT id FROM camera ON CONFLICT DO NOTHING`);
    await db.query(`UPDATE camera_state SET status = 'online', since = now() - interval '40 days'`);
    const total = Number((await db.query(`SELECT count(*) AS n FROM camera`))[0].n);
    // Every 24th camera, with a mix of reasons.
    await db.query(
      `WITH picked AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM camera)
       UPDATE camera_state cs SET status = CASE WHEN p.n % 3 = 0 THEN 'degraded' ELSE 'offline' END,
         reason = CASE WHEN p.n % 3 = 0 THEN 'turned' ELSE 'unreachable' END,
         last_error = CASE WHEN p.n % 3 = 0 THEN NULL ELSE '{"kind":"timeout","message":"no answer within 5000 ms"}'::jsonb END,
         since = now() - (p.n || ' minutes')::interval
       FROM picked p WHERE p.id = cs.camera_id AND p.n % 24 = 0 AND p.n / 24 <= $1`,
      [DOWN],
    );
    const down = Number((await db.query(`SELECT count(*) AS n FROM camera_state WHERE status <> 'online'`))[0].n);

    const incidents = async (query: string) => {
      const samples: number[] = [];
      let bytes = 0;
      for (let i = 0; i < REQUESTS; i++) {
        const r = await timedGet(`${url}/api/incidents?${query}`, token);
        if (r.status !== 200) throw new Error(`/api/incidents answered ${r.status}`);
        if (i >= 5) samples.push(r.totalMs); // the first few warm the caches
        bytes = r.bytes;
      }
      return { ...stats(samples), bytes };
    };
    progress('GET /api/incidents');
    const page200 = await incidents('limit=200');
    const all1000 = await incidents('limit=1000');
    const csv = await timedGet(`${url}/api/incidents.csv`, token);

    progress('30 days of status history for the station cameras');
    const now = Date.now();
    const from = new Date(now - 30 * DAY);
    // Each station camera: online at the start, a one-hour outage every day.
    await db.query(
      `INSERT INTO status_event (subject, subject_id, at, status, source, reason)
       SELECT 'camera', c.id, $1::timestamptz + (d || ' days')::interval + (h || ' hours')::interval, s, 'onvif', 'bench'
       FROM camera c CROSS JOIN generate_series(0, 29) d CROSS JOIN (VALUES (3, 'offline'), (4, 'online')) v(h, s)
       WHERE c.ownership = 'station'`,
      [from],
    );
    const report = `${url}/api/uptime/breakdown?by=commune&from=${from.toISOString()}&to=${new Date(now).toISOString()}`;
    progress('province uptime breakdown, raw events');
    const raw = await timedGet(report, token);
    progress('rolling up the days');
    const t0 = performance.now();
    await app.get(UptimeRollup).rollUp(60);
    const rollupS = (performance.now() - t0) / 1000;
    const rolled = [await timedGet(report, token), await timedGet(report, token), await timedGet(report, token)];

    return {
      bench: 'console',
      engine: env.DATABASE_URL ? 'postgresql' : 'pglite',
      cameras: total,
      down,
      incidents_limit200_ms: page200,
      incidents_limit1000_ms: all1000,
      incidents_csv_ms: round(csv.totalMs, 1),
      uptime_province_30d_by_commune_ttfb_ms: { raw_events: round(raw.ttfbMs, 0), rolled_up: rolled.map((r) => round(r.ttfbMs, 0)) },
      uptime_rollup_s: round(rollupS, 1),
      machine: machineNote(),
    };
  } finally {
    await camnet.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

runMain(main);
