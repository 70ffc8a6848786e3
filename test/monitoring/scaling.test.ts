/**
 * Two service instances on one PostgreSQL and one broker (DESIGN.md "Scaling out"):
 * the leases split the polling with no camera checked twice in a cycle, a dead
 * replica's leased cameras are taken over when its leases expire, and MQTT 5 shared
 * subscriptions hand each station message to one instance. Embedded PGlite is
 * single-replica by design, so this file needs a real PostgreSQL (DATABASE_URL).
 */
import mqtt from 'mqtt';
import { MonitoringMetrics } from '../../src/monitoring/monitoring.metrics';
import { ProbeScheduler } from '../../src/monitoring/probe.scheduler';
import { testDatabaseEngine } from '../support/database';
import { CheckRecord, Fleet, Instance, openFleet, recordingProbe, simFault, startInstance, waitFor } from './monitoring.harness';

const INTERVAL_MS = 2000;
const describePg = testDatabaseEngine() === 'postgres' ? describe : describe.skip;

describePg('two instances on one database and broker', () => {
  let fleet: Fleet;
  let a: Instance;
  let b: Instance;
  let dead: Instance;
  const log: CheckRecord[] = [];

  beforeAll(async () => {
    fleet = await openFleet({ stations: 6 });
    const shared: Record<string, string> = fleet.broker.kind === 'mosquitto' ? { MQTT_SHARED_GROUP: 'camnet' } : {};
    a = await startInstance(fleet, { env: shared, probe: recordingProbe('a', log) });
    b = await startInstance(fleet, { env: shared, probe: recordingProbe('b', log) });
    // A replica that leases work and dies before checking it (its loops never run).
    dead = await startInstance(fleet, { env: { CAMNET_MONITORING: 'off' }, scheduler: { leaseMs: 3000 } });
  }, 60_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await dead?.close();
    await fleet?.close();
  });

  it('split the polling: both check, and no camera is checked twice in one interval', async () => {
    // Five intervals for at least three checks each: a loop that found nothing due sleeps until
    // the next row falls due (at most sweepMs, 500 ms here), so a check may start that late after
    // its due time when its previous result was written while the loop slept.
    await new Promise((r) => setTimeout(r, 5 * INTERVAL_MS + 500));
    const owners = new Set(log.map((r) => r.owner));
    expect(owners).toEqual(new Set(['a', 'b']));
    const byCamera = new Map<string, number[]>();
    for (const r of log) byCamera.set(r.url, [...(byCamera.get(r.url) ?? []), r.at]);
    expect(byCamera.size).toBe(fleet.cameras.length);
    for (const [url, times] of byCamera) {
      expect({ url, checks: times.length >= 3 }).toEqual({ url, checks: true });
      times.sort((x, y) => x - y);
      const gaps = times.slice(1).map((t, i) => t - times[i]);
      // Jitter shortens an interval by at most 10%.
      expect({ url, minGap: Math.min(...gaps) >= 0.9 * INTERVAL_MS - 50 }).toEqual({ url, minGap: true });
    }
    // Every camera reached online whoever checked it.
    const rows = await fleet.db.dataSource.query(`SELECT status FROM camera_state`);
    expect(rows.every((r: { status: string }) => r.status === 'online')).toBe(true);
  }, 30_000);

  it("takes over a dead replica's cameras when its leases expire, not before", async () => {
    const scheduler = dead.app.get(ProbeScheduler);
    // Wait until something is due, then let the dead replica grab it.
    const leased = await waitFor(() => scheduler.lease(5).then((rows) => (rows.length > 0 ? rows : null)), 3000, 20);
    expect(leased).not.toBeNull();
    const leasedAt = Date.now();
    const urls = new Set(leased!.map((r) => r.onvif_url));
    const [{ until }] = await fleet.db.dataSource.query(`SELECT max(lease_until) AS until FROM probe_schedule WHERE lease_owner = $1`, [
      dead.runtime.instanceId,
    ]);
    const untilMs = new Date(until).getTime();
    expect(untilMs - leasedAt).toBeGreaterThan(2000);
    await waitFor(async () => [...urls].every((u) => log.some((r) => r.url === u && r.at >= untilMs)), 15_000);
    for (const u of urls) {
      const checks = log.filter((r) => r.url === u && r.at >= leasedAt).map((r) => r.at);
      expect(checks.length).toBeGreaterThan(0);
      // Nobody checked it while the lease held; someone did soon after it ran out.
      expect(Math.min(...checks)).toBeGreaterThanOrEqual(untilMs - 20);
      expect(Math.min(...checks)).toBeLessThan(untilMs + 3000);
    }
  }, 30_000);

  it('shared subscriptions hand each station message to one instance (one alert for a Will)', async () => {
    if (fleet.broker.kind !== 'mosquitto') return; // aedes ignores $share (STACK.md)
    const received = async (inst: Instance) =>
      (await inst.app.get(MonitoringMetrics).mqttReceived.get()).values.find((v) => v.labels.kind === 'orientation')?.value ?? 0;
    const [a0, b0] = [await received(a), await received(b)];
    // 20 orientation messages that change nothing (the camera's own heading): each must reach exactly one instance.
    // Each is stamped 1 ms after the last: two with the same time are one message sent twice (dropped as duplicate).
    const cam = fleet.cameras.find((c) => c.stationCode === fleet.stations[1].code)!;
    const client = await mqtt.connectAsync(fleet.broker.url, { protocolVersion: 5, clientId: `camnet-test-${process.pid}-${Date.now()}` });
    const t0 = Date.now();
    for (let i = 0; i < 20; i++) {
      await client.publishAsync(
        `camnet/v1/stations/${cam.stationCode}/orientation`,
        JSON.stringify({ ts: new Date(t0 + i).toISOString(), camera: cam.code, heading_deg: cam.headingDeg }),
        { qos: 1 },
      );
    }
    await client.endAsync();
    expect(await waitFor(async () => (await received(a)) - a0 + (await received(b)) - b0 >= 20, 10_000, 50)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    const [da, db] = [(await received(a)) - a0, (await received(b)) - b0];
    expect(da + db).toBe(20);
    expect(da).toBeGreaterThan(0);
    expect(db).toBeGreaterThan(0);

    const station = fleet.stations[0].code;
    await simFault(fleet, 'stations', station, { kind: 'down' });
    const opened = () => [...a.alerts, ...b.alerts].filter((e) => e.subject === `station:${station}` && e.action === 'open');
    expect(await waitFor(async () => opened().length > 0, 10_000, 50)).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    expect(opened()).toHaveLength(1);
    await simFault(fleet, 'stations', station, null);
  }, 40_000);
});
