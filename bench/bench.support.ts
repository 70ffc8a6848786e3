/**
 * Helpers shared by the monitoring benchmarks (bench:poll, bench:mqtt): percentiles,
 * CPU accounting (this process from process.cpuUsage(), the whole machine from
 * /proc/stat), a private Mosquitto on a free port, and the last-line JSON report.
 * A benchmark is a script anyone can run, not a test: it prints progress as it goes
 * and its last line is one JSON object with the figures.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** Nearest-rank percentile of an ascending array; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function round(x: number, digits = 1): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/**
 * Latency samples without unbounded memory: every sample is counted, at most `cap`
 * are kept (reservoir sampling), which is plenty for a p95.
 */
export class Samples {
  private readonly kept: number[] = [];
  private seen = 0;
  constructor(private readonly cap = 200_000) {}

  add(ms: number): void {
    this.seen++;
    if (this.kept.length < this.cap) this.kept.push(ms);
    else {
      const j = Math.floor(Math.random() * this.seen);
      if (j < this.cap) this.kept[j] = ms;
    }
  }

  get count(): number {
    return this.seen;
  }

  summary(): { n: number; p50: number; p95: number; p99: number; max: number } {
    const s = Float64Array.from(this.kept).sort();
    return {
      n: this.seen,
      p50: round(percentile(s, 50)),
      p95: round(percentile(s, 95)),
      p99: round(percentile(s, 99)),
      max: round(s.length > 0 ? s[s.length - 1] : NaN),
    };
  }
}

function machineTicks(): { busy: number; total: number } | null {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

export interface CpuWindow {
  wallS: number;
  /** CPU seconds this process used per wall second (user + system): cores busy. */
  processCores: number;
  /** Cores busy on the whole machine (Linux /proc/stat), null elsewhere. */
  machineCores: number | null;
}

/** Starts a measurement window; stop() answers the wall time and CPU used since. */
export function cpuWindow(): { stop(): CpuWindow } {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const m0 = machineTicks();
  return {
    stop(): CpuWindow {
      const wallS = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(c0);
      const m1 = machineTicks();
      const machineCores = m0 && m1 && m1.total > m0.total ? ((m1.busy - m0.busy) / (m1.total - m0.total)) * os.cpus().length : null;
      return { wallS, processCores: (c.user + c.system) / 1e6 / wallS, machineCores: machineCores === null ? null : round(machineCores, 2) };
    },
  };
}

/** Positive number from the environment (benchmarks may read it), else the default. */
export function envNumber(name: string, def: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return def;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return n;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** One progress line, prefixed with the seconds since the benchmark started. */
const benchStart = performance.now();
export function progress(msg: string): void {
  console.log(`[${((performance.now() - benchStart) / 1000).toFixed(1).padStart(6)} s] ${msg}`);
}

/** Load average and core count, printed before measuring: a busy machine skews every figure. */
export function machineNote(): { cores: number; load1: number; node: string } {
  const [load1] = os.loadavg();
  return { cores: os.cpus().length, load1: round(load1, 2), node: process.version };
}

/** Prints the figures as the last line (JSON) and exits. */
export function finish(figures: Record<string, unknown>): never {
  console.log(JSON.stringify(figures));
  process.exit(0);
}

export function runMain(main: () => Promise<Record<string, unknown>>): void {
  // Ctrl-C still runs the 'exit' handlers that stop child processes (the private broker).
  process.once('SIGINT', () => process.exit(130));
  main().then(finish, (err) => {
    console.error(err);
    process.exit(1);
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return true;
    await sleep(50);
  }
  return false;
}

const MOSQUITTO = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto', '/opt/homebrew/sbin/mosquitto'];

export interface BenchBroker {
  url: string;
  kind: 'private mosquitto' | 'MQTT_URL';
  /** The broker process, for its CPU time (private Mosquitto only). */
  pid: number | null;
  close(): Promise<void>;
}

/**
 * A Mosquitto of the benchmark's own on a free loopback port, with the settings
 * STACK.md found necessary: set_tcp_nodelay (QoS 1 stalls without it), no
 * persistence, deep queues, and no pid file (so no /run/mosquitto folder is needed).
 */
export async function startPrivateMosquitto(): Promise<BenchBroker> {
  const bin = MOSQUITTO.find((b) => fs.existsSync(b));
  if (!bin) throw new Error(`mosquitto is not installed (looked in ${MOSQUITTO.join(', ')}); install it or set MQTT_URL`);
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camnet-bench-mosquitto-'));
  const conf = path.join(dir, 'mosquitto.conf');
  // Running as root, mosquitto drops to the "mosquitto" user unless told to stay.
  const user = typeof process.getuid === 'function' && process.getuid() === 0 ? 'user root\n' : '';
  fs.writeFileSync(
    conf,
    `${user}listener ${port} 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\npersistence false\n` +
      `max_inflight_messages 0\nmax_queued_messages 1000000\nlog_dest none\n`,
  );
  const child: ChildProcess = spawn(bin, ['-c', conf], { stdio: 'ignore' });
  // Whatever way this process ends (a crash included), the broker must not outlive it.
  const orphanGuard = () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', orphanGuard);
  if (!(await waitForPort(port, 5000))) {
    child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`mosquitto (${bin}) did not listen on 127.0.0.1:${port} within 5 s`);
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    kind: 'private mosquitto',
    pid: child.pid ?? null,
    close: () =>
      new Promise<void>((resolve) => {
        process.off('exit', orphanGuard);
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** CPU seconds (user + system) a process has used, from /proc; null when unreadable. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat, i.e. 11 and 12 after the comm field.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

export interface BenchDatabase {
  engine: 'postgres' | 'pglite';
  url: string;
  poolSize: number;
  /** The database's name on PostgreSQL (to find its backends); null for PGlite. */
  name: string | null;
  dataSource: import('typeorm').DataSource;
  close(): Promise<void>;
}

/**
 * A fresh, migrated database for one benchmark run: a new database on the
 * PostgreSQL named by DATABASE_URL (dropped afterwards), else an in-memory PGlite
 * in this process, each with the pool size the service uses on it (config.dbPoolSize).
 */
export async function openBenchDatabase(): Promise<BenchDatabase> {
  const { Client } = await import('pg');
  const { createDataSource } = await import('../src/database/data-source');
  const { startEmbeddedPostgres } = await import('../src/database/embedded-postgres');
  const admin = process.env.DATABASE_URL;
  let url: string;
  let drop: () => Promise<void>;
  let engine: BenchDatabase['engine'];
  let dbName: string | null = null;
  const withClient = async (u: string, sql: string) => {
    const c = new Client({ connectionString: u });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  if (admin) {
    engine = 'postgres';
    const name = `camnet_bench_${process.pid}_${Date.now().toString(36)}`;
    dbName = name;
    await withClient(admin, `CREATE DATABASE ${name}`);
    // Diagnosis only: tells whether commit fsyncs bound the figure.
    if (process.env.BENCH_PG_ASYNC_COMMIT === '1') await withClient(admin, `ALTER DATABASE ${name} SET synchronous_commit = off`);
    const u = new URL(admin);
    u.pathname = `/${name}`;
    url = u.toString();
    drop = () => withClient(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } else {
    engine = 'pglite';
    const embedded = await startEmbeddedPostgres(null, 12);
    url = embedded.url;
    drop = embedded.close;
  }
  // The pool the service itself uses (config.dbPoolSize): 10 on PostgreSQL, 1 on PGlite.
  const { loadConfig } = await import('../src/config/config');
  const poolSize = loadConfig({
    DATABASE_URL: engine === 'postgres' ? url : undefined,
    CAMNET_SECRET_KEY: 'ab'.repeat(32),
    CAMNET_DB_POOL_SIZE: process.env.CAMNET_DB_POOL_SIZE,
  }).dbPoolSize;
  const dataSource = createDataSource(url, poolSize);
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return {
    engine,
    url,
    poolSize,
    name: dbName,
    dataSource,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await drop();
    },
  };
}

/**
 * With BENCH_CPU_PROFILE=<folder>, records a V8 CPU profile of this process from now
 * until stop() and writes it as <folder>/<label>.cpuprofile (open it in Chrome
 * DevTools or speedscope); otherwise does nothing. Profiles one phase only, unlike
 * `node --cpu-prof`, which covers set-up and warm-up too.
 */
export async function cpuProfile(label: string): Promise<{ stop(): Promise<string | null> }> {
  const dir = process.env.BENCH_CPU_PROFILE;
  if (!dir) return { stop: async () => null };
  const inspector = await import('node:inspector');
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<object | undefined>((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));
  await post('Profiler.enable');
  await post('Profiler.start');
  return {
    async stop() {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      session.disconnect();
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${label}.cpuprofile`);
      fs.writeFileSync(file, JSON.stringify(profile));
      return file;
    },
  };
}

/** Pids of PostgreSQL backends serving `database` (Linux), for their CPU time. */
export function postgresBackends(database: string): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (cmd.startsWith('postgres:') && cmd.includes(` ${database} `)) out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** CPU seconds used so far by a set of processes (those still alive). */
export function cpuSecondsOf(pids: number[]): number {
  let s = 0;
  for (const p of pids) s += processCpuSeconds(p) ?? 0;
  return s;
}
