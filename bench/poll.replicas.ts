/**
 * The multi-process parts of `npm run bench:poll`:
 * - the device server in a child process of its own (BENCH_DEVICE_SERVER=process, the
 *   default with BENCH_REPLICAS), so its CPU is no longer counted as the poller's;
 * - BENCH_REPLICAS=N: N camnet poller processes on one PostgreSQL database, the
 *   probe_schedule leases splitting the work between them, as replicas of the service do.
 *   Each replica records every check it ran (camera, start, end); the parent merges
 *   them and counts duplicates: two checks of one camera that overlap in time, which the
 *   leases must make impossible (0).
 *   Each replica also counts its first contacts (the onvif package, once per PTZ camera
 *   and replica: the cache is in memory), and the warm-up lasts until they are over, as
 *   in the single-process path; and its lease statements, to show how the work is cut.
 * The child processes are this same compiled file, told their role by BENCH_ROLE.
 */
import { ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Samples, cpuSecondsOf, cpuWindow, postgresBackends, progress, round, sleep } from './bench.support';

/** What a replica tells its parent. */
export type ReplicaMessage =
  | { type: 'progress'; done: number; firstContacts: number }
  | {
      type: 'result';
      index: number;
      checks: number;
      cores: number;
      wallS: number;
      p50: number;
      p95: number;
      ok: number;
      notOk: number;
      runs: CheckRun[];
      /** Lease statements run and rows they leased, and first contacts, during the window. */
      leases: number;
      leasedRows: number;
      firstContacts: number;
    };

/** What a running replica counts besides its checks. */
export interface ReplicaCounters {
  /** Lease statements run and the rows they leased. */
  leases: number;
  leasedRows: number;
  /** First contacts (the onvif package) started. */
  firstContacts: number;
}

/** One check as a replica saw it: camera id, start and end (ms since the epoch). */
export type CheckRun = [cameraId: number, start: number, end: number];

/** How long no replica may have started a first contact before the warm-up ends. */
const QUIET_FIRST_CONTACTS_S = 3;

/**
 * When the replicas' warm-up is over: every camera checked once (in total), and no first
 * contact started for `quietMs` (first contacts are the costly part of a start, and each
 * replica makes its own). Fed the replicas' running totals with the time they were read.
 */
export class WarmUp {
  private firstContacts = -1;
  private quietSince: number;

  constructor(
    private readonly cameras: number,
    private readonly quietMs: number,
    startMs: number,
  ) {
    this.quietSince = startMs;
  }

  over(checks: number, firstContacts: number, nowMs: number): boolean {
    if (firstContacts !== this.firstContacts) {
      this.firstContacts = firstContacts;
      this.quietSince = nowMs;
    }
    return checks >= this.cameras && nowMs - this.quietSince >= this.quietMs;
  }
}

/** Starts `file` as a child process with BENCH_ROLE=role and waits for its first message. */
export async function startChild<T>(file: string, role: string, env: Record<string, string>): Promise<{ child: ChildProcess; first: T }> {
  const child = fork(file, [], { env: { ...process.env, ...env, BENCH_ROLE: role }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const first = await new Promise<T>((resolve, reject) => {
    child.once('message', (m) => resolve(m as T));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bench ${role} process exited with code ${code} before it was ready`)));
  });
  return { child, first };
}

/** Asks a child to stop and waits for it (kills it after 30 s). */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.send({ type: 'stop' });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Checks of one camera that overlap in time, across every replica: each is a camera
 * checked twice at once, i.e. a lease that did not hold.
 */
export function countDuplicates(runs: CheckRun[]): number {
  const byCamera = new Map<number, CheckRun[]>();
  for (const r of runs) {
    const list = byCamera.get(r[0]);
    if (list) list.push(r);
    else byCamera.set(r[0], [r]);
  }
  let duplicates = 0;
  for (const list of byCamera.values()) {
    list.sort((a, b) => a[1] - b[1]);
    let lastEnd = -Infinity;
    for (const [, start, end] of list) {
      if (start < lastEnd) duplicates++;
      lastEnd = Math.max(lastEnd, end);
    }
  }
  return duplicates;
}

/** The replica side: what poll.bench.ts hands over to run one poller process. */
export interface ReplicaHooks {
  /** Starts the poller; `onCheck` is called with every finished check; the poller keeps `counters` up to date. */
  start(
    onCheck: (cameraId: number, startMs: number, endMs: number, reachable: boolean, ok: boolean) => void,
    counters: ReplicaCounters,
  ): Promise<{ stop(): Promise<void> }>;
}

/** Runs inside a replica process: polls, reports progress, measures on request. */
export async function replicaMain(index: number, hooks: ReplicaHooks): Promise<void> {
  let done = 0;
  let measuring: { runs: CheckRun[]; samples: Samples; ok: number; notOk: number } | null = null;
  const counters: ReplicaCounters = { leases: 0, leasedRows: 0, firstContacts: 0 };
  const poller = await hooks.start((cameraId, startMs, endMs, _reachable, ok) => {
    done++;
    if (measuring) {
      measuring.runs.push([cameraId, startMs, endMs]);
      measuring.samples.add(endMs - startMs);
      if (ok) measuring.ok++;
      else measuring.notOk++;
    }
  }, counters);
  const send = (m: ReplicaMessage) => process.send!(m);
  const ticker = setInterval(() => send({ type: 'progress', done, firstContacts: counters.firstContacts }), 1000);
  process.on('message', async (m: { type: string; seconds?: number }) => {
    if (m.type === 'measure') {
      measuring = { runs: [], samples: new Samples(), ok: 0, notOk: 0 };
      const c0 = { ...counters };
      const cpu = cpuWindow();
      await sleep((m.seconds ?? 20) * 1000);
      const w = cpu.stop();
      const s = measuring.samples.summary();
      const r = measuring;
      measuring = null;
      send({
        type: 'result',
        index,
        checks: r.runs.length,
        cores: round(w.processCores, 2),
        wallS: round(w.wallS, 1),
        p50: s.p50,
        p95: s.p95,
        ok: r.ok,
        notOk: r.notOk,
        runs: r.runs,
        leases: counters.leases - c0.leases,
        leasedRows: counters.leasedRows - c0.leasedRows,
        firstContacts: counters.firstContacts - c0.firstContacts,
      });
    } else if (m.type === 'stop') {
      clearInterval(ticker);
      await poller.stop();
      process.exit(0);
    }
  });
  send({ type: 'progress', done, firstContacts: counters.firstContacts });
}

/**
 * The parent side: starts N replicas, warms them up, measures them together. The
 * warm-up lasts until every camera was checked once and no first contact started for
 * QUIET_FIRST_CONTACTS_S (each replica makes its own: with two replicas a PTZ camera
 * gets two), so that the window measures steady state, as the single-process path does.
 * With `pgDatabase`, the CPU of that database's PostgreSQL backends during the window.
 */
export async function runReplicas(
  file: string,
  n: number,
  env: Record<string, string>,
  cameras: number,
  seconds: number,
  warmupMaxS: number,
  pgDatabase: string | null,
): Promise<{
  replicas: {
    index: number;
    checks: number;
    perS: number;
    share: number;
    cores: number;
    p50: number;
    p95: number;
    notOk: number;
    leases: number;
    rowsPerLease: number;
    firstContacts: number;
  }[];
  totalPerS: number;
  duplicates: number;
  checks: number;
  wallS: number;
  cores: number;
  pgCores: number | null;
  warmupS: number;
  warmupFirstContacts: number;
}> {
  const children: { child: ChildProcess; done: number; firstContacts: number }[] = [];
  const run = randomBytes(3).toString('hex');
  try {
    for (let i = 0; i < n; i++) {
      const { child, first } = await startChild<ReplicaMessage>(file, 'replica', {
        ...env,
        BENCH_REPLICA_INDEX: String(i),
        BENCH_REPLICA_ID: `bench-${run}-r${i}`,
      });
      const entry = { child, done: 0, firstContacts: 0 };
      const onProgress = (m: ReplicaMessage) => {
        if (m.type !== 'progress') return;
        entry.done = m.done;
        entry.firstContacts = m.firstContacts;
      };
      onProgress(first);
      child.on('message', onProgress);
      children.push(entry);
    }
    progress(
      `${n} replicas polling; warming up until ${cameras} checks were done in total and no first contact started for ${QUIET_FIRST_CONTACTS_S} s (at most ${warmupMaxS} s)`,
    );
    const w0 = performance.now();
    const sum = (k: 'done' | 'firstContacts') => children.reduce((a, c) => a + c[k], 0);
    const warmUp = new WarmUp(cameras, QUIET_FIRST_CONTACTS_S * 1000, w0);
    while (performance.now() - w0 < warmupMaxS * 1000) {
      await sleep(1000);
      if (warmUp.over(sum('done'), sum('firstContacts'), performance.now())) break;
    }
    const warmupS = round((performance.now() - w0) / 1000, 1);
    progress(`  warm-up done in ${warmupS} s (${sum('done')} checks, ${sum('firstContacts')} first contacts); measuring for ${seconds} s`);
    // The replicas' backends exist by now (each pool opened its connections during the warm-up).
    const pgPids = pgDatabase === null ? [] : postgresBackends(pgDatabase);
    const pg0 = cpuSecondsOf(pgPids);
    const cpu = cpuWindow();
    const results = await Promise.all(
      children.map(
        ({ child }) =>
          new Promise<Extract<ReplicaMessage, { type: 'result' }>>((resolve) => {
            const on = (m: ReplicaMessage) => {
              if (m.type !== 'result') return;
              child.off('message', on);
              resolve(m);
            };
            child.on('message', on);
            child.send({ type: 'measure', seconds });
          }),
      ),
    );
    const w = cpu.stop();
    const pgCores = pgPids.length > 0 ? round((cpuSecondsOf(pgPids) - pg0) / w.wallS, 2) : null;
    const checks = results.reduce((a, r) => a + r.checks, 0);
    const wallS = Math.max(...results.map((r) => r.wallS));
    return {
      replicas: results.map((r) => ({
        index: r.index,
        checks: r.checks,
        perS: round(r.checks / r.wallS),
        share: round(r.checks / Math.max(1, checks), 3),
        cores: r.cores,
        p50: r.p50,
        p95: r.p95,
        notOk: r.notOk,
        leases: r.leases,
        rowsPerLease: round(r.leasedRows / Math.max(1, r.leases), 1),
        firstContacts: r.firstContacts,
      })),
      totalPerS: round(checks / wallS),
      duplicates: countDuplicates(results.flatMap((r) => r.runs)),
      checks,
      wallS: round(w.wallS, 1),
      cores: round(
        results.reduce((a, r) => a + r.cores, 0),
        2,
      ),
      pgCores,
      warmupS,
      warmupFirstContacts: sum('firstContacts'),
    };
  } finally {
    await Promise.all(children.map((c) => stopChild(c.child)));
  }
}
