/**
 * Two replicas on one PostgreSQL and one Mosquitto under churn (issue 7): stations
 * heartbeating ten times a second, the simulated fleet's chaos taking cameras down
 * and stations off the air (Wills) every half second, both replicas checking
 * cameras every 2 s. With one writer and one lock order (cameras by id, then
 * stations by id) PostgreSQL records no deadlock, nothing taken in is dropped, and
 * no camera is checked by both replicas at once. The suite runs this for 40 s;
 * `npm run soak` runs it for 30 minutes with database and broker faults on top.
 * Needs a real PostgreSQL (embedded PGlite is single-replica by design).
 */
import { Registry } from 'prom-client';
import { METRICS } from '../../src/health/metrics';
import { testDatabaseEngine } from '../support/database';
import { CheckRecord, Fleet, Instance, openFleet, recordingProbe, startInstance } from './monitoring.harness';

const RUN_MS = 40_000;
const describePg = testDatabaseEngine() === 'postgres' ? describe : describe.skip;

describePg('two replicas under churn', () => {
  let fleet: Fleet;
  let a: Instance;
  let b: Instance;
  const log: CheckRecord[] = [];

  beforeAll(async () => {
    fleet = await openFleet({ stations: 8, heartbeatIntervalMs: 100, chaos: { intervalMs: 500, durationMs: [1000, 4000], stationDownChance: 0.3 } });
    const shared: Record<string, string> = fleet.broker.kind === 'mosquitto' ? { MQTT_SHARED_GROUP: 'camnet' } : {};
    a = await startInstance(fleet, { env: shared, probe: recordingProbe('a', log) });
    b = await startInstance(fleet, { env: shared, probe: recordingProbe('b', log) });
  }, 60_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await fleet?.close();
  });

  it(
    'records no deadlock, drops nothing, and never checks a camera twice at once',
    async () => {
      const deadlocks = async () =>
        (await fleet.db.dataSource.query(`SELECT deadlocks::int AS n FROM pg_stat_database WHERE datname = current_database()`))[0].n as number;
      const before = await deadlocks();
      const changesBefore = a.changes.length + b.changes.length;
      await new Promise((r) => setTimeout(r, RUN_MS));
      // The statistics reach pg_stat_database within a second or so of each transaction.
      await new Promise((r) => setTimeout(r, 1500));
      expect(await deadlocks()).toBe(before);

      const sum = async (inst: Instance, name: string) =>
        (await inst.app.get<Registry>(METRICS).getSingleMetric(name)!.get()).values.reduce((s, v) => s + v.value, 0);
      for (const inst of [a, b]) expect(await sum(inst, 'camnet_apply_dropped_total')).toBe(0);
      // The churn did happen: statuses changed, and both replicas checked.
      expect(a.changes.length + b.changes.length - changesBefore).toBeGreaterThan(10);
      expect(new Set(log.map((r) => r.owner))).toEqual(new Set(['a', 'b']));

      // No two checks of one camera overlap (a lease is held by one replica at a time).
      const byCamera = new Map<string, CheckRecord[]>();
      for (const r of log) byCamera.set(r.url, [...(byCamera.get(r.url) ?? []), r]);
      for (const [url, checks] of byCamera) {
        checks.sort((x, y) => x.at - y.at);
        for (let i = 1; i < checks.length; i++) {
          const prevEnd = checks[i - 1].ended ?? Infinity;
          expect({ url, overlap: checks[i].at < prevEnd }).toEqual({ url, overlap: false });
        }
      }
      // The event history of every subject stays in time order.
      const reordered = await fleet.db.dataSource.query(
        `SELECT subject, subject_id FROM (
         SELECT subject, subject_id, at, lag(at) OVER (PARTITION BY subject, subject_id ORDER BY id) AS prev FROM status_event) x
       WHERE at < prev`,
      );
      expect(reordered).toEqual([]);
    },
    RUN_MS + 30_000,
  );
});
