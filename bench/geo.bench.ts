/**
 * `npm run bench:geo`: incident search latency (in-process and over HTTP) and
 * route coverage time over the full Long An inventory (24,609 cameras), on a
 * fresh embedded database in a temporary folder (or on GEO_BENCH_DATABASE_URL,
 * an empty PostgreSQL database), the seed's generation time, and a cold load of
 * the map in Chromium (payload and settle time). BENCH_CAMERAS_FACTOR=10 first
 * registers nine more copies of every private camera near the original (230,826
 * cameras in all), to show the map's first load does not grow with the province.
 * The last line printed is JSON.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { AuthContext } from '../src/auth/auth-context';
import { EventBus } from '../src/common/event-bus';
import { TokenService } from '../src/auth/token.service';
import { UserService } from '../src/auth/user.service';
import { startCamnet } from '../src/bootstrap';
import { loadConfig } from '../src/config/config';
import { CoverageRepository } from '../src/coverage/coverage.repository';
import { CoverageService } from '../src/coverage/coverage.service';
import { CoverageState } from '../src/coverage/coverage.state';
import { destinationPoint } from '../src/geo';
import { SearchService } from '../src/search/search.service';
import { mulberry32 as rng } from '../src/geo/prng';
import { generateSeedInventory } from '../src/seed/seed.generator';
import { percentile, round, runMain } from './bench.support';
import { CHROMIUM, CHROMIUM_ARGS, Credentials, MapLoad, measureMapLoad } from './map.measure';

const SEARCHES = 400;
const RADIUS_M = 300;
const COVERAGE_RUNS = 20;

/** How many times the private cameras are multiplied (1: the seed as it is). */
function camerasFactor(): number {
  const raw = process.env.BENCH_CAMERAS_FACTOR ?? '1';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 50) throw new Error(`BENCH_CAMERAS_FACTOR must be a whole number from 1 to 50, got "${raw}"`);
  return n;
}

/** p50, p95 and max (ms, two decimals), by the same nearest-rank percentile as the other benchmarks. */
function summary(samples: number[]): { p50: number; p95: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: round(percentile(s, 50), 2), p95: round(percentile(s, 95), 2), max: round(s[s.length - 1], 2) };
}

async function runGeoBench(): Promise<Record<string, unknown>> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'camnet-geo-bench-'));
  const env: Record<string, string | undefined> = {
    PORT: '0',
    CAMNET_DATA_DIR: dataDir,
    CAMNET_SIMULATOR: 'off',
    CAMNET_MONITORING: 'off',
    CAMNET_SEED: 'auto',
    MQTT_EMBEDDED_PORT: '0',
    CAMNET_LOG_LEVEL: 'warn',
  };
  const pgUrl = process.env.GEO_BENCH_DATABASE_URL;
  if (pgUrl) {
    env.DATABASE_URL = pgUrl;
    env.CAMNET_SECRET_KEY = 'a'.repeat(64);
  }
  const t0 = Date.now();
  const instance = await startCamnet(loadConfig(env), { listen: true });
  try {
    const startS = (Date.now() - t0) / 1000;
    const app = instance.app;
    const watch = new ServiceWatch(app.getHttpServer());
    const url = instance.url.replace('localhost', '127.0.0.1');
    const { token, record } = await app.get(TokenService).create('geo bench', 'admin');
    // The map signs in as a person: a throw-away admin of this run.
    const person = { login: `geo.bench.${Date.now()}`, password: 'geo bench map password' };
    await app.get(UserService).create({ ...person, name: 'geo bench', role: 'admin' });
    const search = app.get(SearchService);
    const coverage = app.get(CoverageService);
    const auth: AuthContext = { tokenId: record.id, name: record.name, role: 'admin' };

    const factor = camerasFactor();
    if (factor > 1) {
      // Copies of each private camera within about 110 m of it, as an import of that many registrations would leave them.
      const s0 = Date.now();
      await instance.runtime.dataSource.query(
        `INSERT INTO camera (code, ownership, commune_code, commune_code_2025, lat, lon, heading_deg, fov_deg, range_m, owner_name, owner_phone, registered_on)
         SELECT c.code || '-X' || k, c.ownership, c.commune_code, c.commune_code_2025,
                c.lat + ((((c.id * 7919 + k * 104729) % 2001) - 1000) * 1e-6), c.lon + ((((c.id * 15485 + k * 32452) % 2001) - 1000) * 1e-6),
                c.heading_deg, c.fov_deg, c.range_m, c.owner_name, c.owner_phone, c.registered_on
         FROM camera c CROSS JOIN generate_series(1, $1::int) AS k WHERE c.ownership <> 'station'`,
        [factor - 1],
      );
      app.get(EventBus).emit('inventory.changed', { at: new Date(), what: 'camera' });
      // The map's service re-reads the cameras on the next view: let that happen before anything is timed.
      const warm = await fetch(`${url}/api/map/private-cameras?bbox=105,10,107.5,11.5&zoom=9`, { headers: { authorization: `Bearer ${token}` } });
      if (warm.status !== 200) throw new Error(`the map's private cameras answered ${warm.status}`);
      console.log(`registered ${factor - 1} more copies of every private camera in ${((Date.now() - s0) / 1000).toFixed(1)} s`);
    }
    const [{ n }] = await instance.runtime.dataSource.query(`SELECT count(*)::int AS n FROM camera`);
    const points: { lat: number; lon: number }[] = await instance.runtime.dataSource.query(`SELECT lat, lon FROM camera ORDER BY id`);
    const random = rng(42);
    const queries = Array.from({ length: SEARCHES }, () => {
      const c = points[Math.floor(random() * points.length)];
      const p = destinationPoint(Number(c.lat), Number(c.lon), random() * 360, random() * 200);
      return { lat: Math.round(p.lat * 1e6) / 1e6, lon: Math.round(p.lon * 1e6) / 1e6, radius_m: RADIUS_M, case_ref: 'BENCH' };
    });

    // Warm-up: index built, JIT warm, pool connections open.
    for (const q of queries.slice(0, 100)) await search.near(q, auth);

    const inProcess: number[] = [];
    let found = 0;
    for (const q of queries) {
      const s = performance.now();
      found += (await search.near(q, auth)).cameras.length;
      inProcess.push(performance.now() - s);
    }

    const http: number[] = [];
    for (const q of queries) {
      const qs = new URLSearchParams({ lat: String(q.lat), lon: String(q.lon), radius_m: String(q.radius_m), case_ref: 'BENCH' });
      const s = performance.now();
      const res = await fetch(`${url}/api/search/near?${qs}`, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      http.push(performance.now() - s);
      if (res.status !== 200) throw new Error(`search answered ${res.status}`);
    }

    // Coverage from cold: every camera's share of every route, computed once.
    const repo = app.get(CoverageRepository);
    const [routes, cameras] = await Promise.all([repo.routes(), repo.cameras(new Date().toISOString().slice(0, 10))]);
    const c0 = performance.now();
    const state = new CoverageState(routes);
    state.syncCameras(cameras);
    const coldMs = performance.now() - c0;
    // Warm: installed and effective for all routes from the cached shares.
    const warm: number[] = [];
    for (let i = 0; i < COVERAGE_RUNS; i++) {
      const s = performance.now();
      await coverage.routes(undefined, 500);
      warm.push(performance.now() - s);
    }
    const coverageHttp: number[] = [];
    let coveragePayload = 0;
    for (let i = 0; i < COVERAGE_RUNS; i++) {
      const s = performance.now();
      const res = await fetch(`${url}/api/coverage/routes?min_gap_m=500`, { headers: { authorization: `Bearer ${token}` } });
      coveragePayload = (await res.arrayBuffer()).byteLength;
      coverageHttp.push(performance.now() - s);
    }

    const nearIn = summary(inProcess);
    const nearHttp = summary(http);
    const warmS = summary(warm);
    const httpS = summary(coverageHttp);
    console.log(`service started (with seed) in ${startS.toFixed(1)} s; ${n} cameras, ${routes.length} routes`);
    console.log(`near search r=${RADIUS_M} m, ${SEARCHES} searches, ${(found / SEARCHES).toFixed(1)} cameras on average`);
    console.log(`  in-process  p50 ${nearIn.p50} ms  p95 ${nearIn.p95} ms  max ${nearIn.max} ms`);
    console.log(`  over HTTP   p50 ${nearHttp.p50} ms  p95 ${nearHttp.p95} ms  max ${nearHttp.max} ms`);
    console.log(
      `route coverage: cold (all camera shares) ${coldMs.toFixed(0)} ms; installed+effective from cache p50 ${warmS.p50} ms; over HTTP p50 ${httpS.p50} ms (${coveragePayload} bytes)`,
    );

    const figures: Record<string, unknown> = {
      bench: 'geo',
      cameras: n,
      routes: routes.length,
      near_radius_m: RADIUS_M,
      near_results_avg: Math.round((found / SEARCHES) * 10) / 10,
      near_inprocess_p50_ms: nearIn.p50,
      near_inprocess_p95_ms: nearIn.p95,
      near_http_p50_ms: nearHttp.p50,
      near_http_p95_ms: nearHttp.p95,
      coverage_cold_ms: Math.round(coldMs),
      coverage_routes_p50_ms: warmS.p50,
      coverage_routes_http_p50_ms: httpS.p50,
      coverage_routes_payload_bytes: coveragePayload,
      cameras_factor: factor,
      seed_generate_ms: seedGenerateMs(),
      ...(await mapFigures(url, person, watch)),
      // The service's memory after the map loads (the database included when it is embedded PGlite).
      rss_mb: Math.round(process.memoryUsage().rss / 1e6),
    };
    return figures;
  } finally {
    await instance.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Generating the whole inventory, warm (the first run also loads the data files). */
function seedGenerateMs(): number {
  generateSeedInventory({ simBaseUrl: 'http://127.0.0.1:8899' });
  const s = performance.now();
  generateSeedInventory({ simBaseUrl: 'http://127.0.0.1:8899' });
  return Math.round(performance.now() - s);
}

/** Loads of the map timed: enough that a slow one shows beside the median. */
const MAP_LOADS = 7;

/** What the service did while the map loaded: each request's time in the service and each pause of its event loop, by the wall clock. */
class ServiceWatch {
  readonly requests: { path: string; start: number; end: number }[] = [];
  readonly stalls: { start: number; ms: number }[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(server: import('node:http').Server) {
    server.on('request', (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
      const start = Date.now();
      res.on('finish', () => this.requests.push({ path: req.url ?? '', start, end: Date.now() }));
    });
  }

  /** A timer that should fire every 10 ms: a later firing is a pause of the event loop (over 40 ms is kept). */
  start(): void {
    let last = Date.now();
    this.timer = setInterval(() => {
      const now = Date.now();
      if (now - last > 50) this.stalls.push({ start: last + 10, ms: now - last - 10 });
      last = now;
    }, 10);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

/** One load in detail: each API request (ms from navigation: start → end, and its time in the service), the service's pauses, the page's long tasks. */
function describeLoad(label: string, l: MapLoad, watch: ServiceWatch): void {
  const from = l.timeOrigin;
  const to = from + l.settledMs;
  console.log(`  ${label}: settled ${l.settledMs} ms; page main-thread long tasks ${l.longTasksMs} ms (longest ${l.longestTaskMs} ms)`);
  for (const r of l.timeline) {
    const served = watch.requests.find((s) => s.path === r.path && s.start >= from - 5 && s.start <= to);
    console.log(
      `    ${String(r.start).padStart(5)} → ${String(r.end).padStart(5)} ms  ${r.path}${served ? `  (service ${served.end - served.start} ms)` : ''}`,
    );
  }
  const stalls = watch.stalls.filter((s) => s.start + s.ms >= from && s.start <= to);
  console.log(
    `    service event-loop pauses: ${stalls.length === 0 ? 'none over 40 ms' : stalls.map((s) => `${s.ms} ms at ${Math.round(s.start - from)}`).join(', ')}`,
  );
}

/** The map's first load in Chromium, MAP_LOADS times (median and worst), or nulls when Chromium is missing. */
async function mapFigures(url: string, person: Credentials, watch: ServiceWatch): Promise<Record<string, number | string | null>> {
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`${CHROMIUM} is missing (apt-get install -y chromium): no map figures`);
    return { map_payload_bytes: null, map_payload_decoded_bytes: null, map_settle_ms: null, map_settle_worst_ms: null };
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  watch.start();
  try {
    const inOrder: MapLoad[] = [];
    for (let i = 0; i < MAP_LOADS; i++) inOrder.push(await measureMapLoad(browser, url, person));
    const loads = [...inOrder].sort((a, b) => a.settledMs - b.settledMs);
    const m = loads[Math.floor(loads.length / 2)];
    const worst = loads[loads.length - 1];
    console.log(
      `map cold load (median of ${MAP_LOADS}): ${m.requests} API requests, ${m.transferBytes} bytes over the wire (${m.bodyBytes} decoded), settled in ${m.settledMs} ms, worst ${worst.settledMs} ms`,
    );
    console.log(`  settled in each load, in order: ${inOrder.map((l) => l.settledMs).join(', ')} ms`);
    console.log(
      `  median load's steps (ms from navigation): ${Object.entries(m.phases)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
    describeLoad('median load', m, watch);
    describeLoad(`worst load (load ${inOrder.indexOf(worst) + 1})`, worst, watch);
    return {
      map_payload_bytes: m.transferBytes,
      map_payload_decoded_bytes: m.bodyBytes,
      map_settle_ms: m.settledMs,
      map_settle_worst_ms: worst.settledMs,
      map_settle_each_ms: inOrder.map((l) => l.settledMs).join(', '),
      ...Object.fromEntries(Object.entries(m.phases).map(([k, v]) => [`map_${k.replace(/-/g, '_')}_ms`, v])),
    };
  } finally {
    watch.stop();
    await browser.close();
  }
}

if (require.main === module) runMain(runGeoBench);
