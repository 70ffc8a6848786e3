import { Registry } from 'prom-client';
import { ManualClock } from '../common/clock';
import { EventBus } from '../common/event-bus';
import { loadConfig } from '../config/config';
import type { ProbeResult } from './onvif/onvif.types';
import { CameraStateService } from './camera-state.service';
import { ListeningWindow } from './listening-window';
import { MonitoringMetrics } from './monitoring.metrics';
import { FakeStateTransaction, InMemoryCameraStateStore } from '../../test/support/fakes/camera-state.store.fake';

const T0 = Date.UTC(2026, 11, 4, 1, 0, 0);
const MINUTE = 60_000;

/**
 * The service on the in-memory store (held to CameraStateRepository's contract):
 * station S3 online with cameras C7 and C8 online, and C9 alone, online; every
 * event the service announces is recorded as "name subject detail".
 */
function setup() {
  const store = new InMemoryCameraStateStore();
  const station = store.addStation('S3');
  const c7 = store.addCamera({ code: 'C7', stationId: station, headingDeg: 0 });
  const c8 = store.addCamera({ code: 'C8', stationId: station, headingDeg: 90 });
  const c9 = store.addCamera({ code: 'C9', stationId: null, headingDeg: 180 });
  store.setStationState(station, { status: 'online', since: new Date(0), last_seen_at: new Date(T0) });
  for (const id of [c7, c8, c9]) {
    store.setCameraState(id, { status: 'online', since: new Date(0) });
    store.addSchedule(id, new Date(T0 + 10 * MINUTE));
  }
  const config = loadConfig({});
  const clock = new ManualClock(T0);
  const listening = new ListeningWindow(config);
  const metrics = new MonitoringMetrics(new Registry());
  const bus = new EventBus();
  const events: string[] = [];
  bus.on('status.changed', (e) =>
    events.push(`status ${e.subject}:${e.code} ${e.previous}>${e.status} ${e.reason}${e.attributedTo ? ` (${e.attributedTo})` : ''}`),
  );
  bus.on('alert.action', (e) => events.push(`alert ${e.subject} ${e.action} ${e.kind}`));
  bus.on('heading.changed', (e) => events.push(`heading camera:${e.code} ${e.headingDeg}`));
  const service = new CameraStateService<FakeStateTransaction>(store, bus, clock, config, listening, metrics);
  return { service, store, events, listening, clock, metrics, station, c7, c8, c9 };
}

const answering: ProbeResult = {
  ok: true,
  reachable: true,
  error: null,
  clockOffsetS: 0.5,
  ptz: null,
  headingDeg: null,
  device: null,
  latencyMs: 40,
  warnings: [],
};
const unreachable: ProbeResult = { ...answering, ok: false, reachable: false, error: { kind: 'timeout', message: 'no answer in 5 s' }, clockOffsetS: null };
const onvif = { source: 'onvif' as const, inMaintenance: false };

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
const tooLong = Object.assign(new Error('value too long'), { code: '22001' });

describe('CameraStateService checks', () => {
  it('takes a camera offline on the second unreachable check, with its alert after the commit and its schedule moved on', async () => {
    const { service, store, events, clock, c9 } = setup();
    const schedule = { nextAt: new Date(T0 + 2 * MINUTE), failures: 1, leaseOwner: null };
    await expect(service.applyCheck(c9, unreachable, { ...onvif, schedule })).resolves.toEqual({ status: 'online', previous: 'online', transition: false });
    expect(store.cameraState(c9)).toMatchObject({ status: 'online', pending_status: 'offline', pending_count: 1, last_check_at: new Date(T0) });
    expect(events).toEqual([]);
    clock.advance(MINUTE);
    await expect(service.applyCheck(c9, unreachable, onvif)).resolves.toEqual({ status: 'offline', previous: 'online', transition: true });
    expect(store.cameraState(c9)).toMatchObject({
      status: 'offline',
      reason: 'unreachable',
      pending_count: 0,
      since: clock.now(),
      last_error: unreachable.error,
    });
    expect(store.statusEvents('camera', c9)).toEqual([
      { subject: 'camera', id: c9, at: clock.now(), status: 'offline', source: 'onvif', reason: 'unreachable: timeout: no answer in 5 s' },
    ]);
    expect(events).toEqual(['status camera:C9 online>offline unreachable: timeout: no answer in 5 s', 'alert camera:C9 open offline']);
    expect(store.scheduleOf(c9)).toMatchObject({ next_at: schedule.nextAt, failures: 1, last_error: unreachable.error });
  });

  it('records a turn beyond the noise at once and calls the camera turned on the second check', async () => {
    const { service, store, events, c9 } = setup();
    const turned: ProbeResult = { ...answering, headingDeg: 215, ptz: { pan: 0.2, tilt: 0, zoom: 1 } };
    await service.applyCheck(c9, turned, onvif);
    expect(store.orientationEvents(c9)).toEqual([{ id: c9, at: new Date(T0), heading: 215, pan: 0.2, tilt: 0, zoom: 1, source: 'onvif' }]);
    expect(events).toEqual(['heading camera:C9 215']);
    await expect(service.applyCheck(c9, turned, onvif)).resolves.toMatchObject({ status: 'degraded', transition: true });
    // The heading did not change again: no second orientation event.
    expect(store.orientationEvents(c9)).toHaveLength(1);
    expect(store.cameraState(c9)).toMatchObject({ status: 'degraded', reason: 'turned', heading_deg: 215 });
    expect(events.slice(1)).toEqual(['status camera:C9 online>degraded turned', 'alert camera:C9 open turned']);
    // 1° more is noise.
    await service.applyCheck(c9, { ...turned, headingDeg: 216 }, onvif);
    expect(store.orientationEvents(c9)).toHaveLength(1);
  });

  it('puts a camera in maintenance at once when its check falls in a window', async () => {
    const { service, store, events, c7 } = setup();
    await expect(service.applyCheck(c7, unreachable, { source: 'onvif', inMaintenance: true })).resolves.toEqual({
      status: 'maintenance',
      previous: 'online',
      transition: true,
    });
    expect(store.statusEvents('camera', c7).map((e) => e.reason)).toEqual(['maintenance window']);
    expect(events).toEqual(['status camera:C7 online>maintenance maintenance window']);
  });

  it('writes the checks that arrive together in one transaction, a camera at most once per batch; only an unknown camera is refused', async () => {
    const { service, store, c7, c8, c9 } = setup();
    const attempts = store.transactionAttempts;
    const answers = [
      service.applyCheck(c7, unreachable, onvif),
      service.applyCheck(c8, answering, onvif),
      service.applyCheck(c7, unreachable, onvif),
      service.applyCheck(999, answering, onvif),
      service.applyCheck(c9, answering, onvif),
    ];
    const settled = await Promise.allSettled(answers);
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value.status : (s.reason as Error).message))).toEqual([
      'online',
      'online',
      'offline',
      'no camera with id 999',
      'online',
    ]);
    // The second check of C7 waited for the next batch, which read what the first wrote.
    expect(store.transactionAttempts - attempts).toBe(2);
  });

  it('a batch that cannot be written writes nothing, fails every check in it, and the next batch works', async () => {
    const { service, store, events, c7, c9 } = setup();
    await Promise.all([service.applyCheck(c7, unreachable, onvif), service.applyCheck(c9, unreachable, onvif)]);
    const before = [store.cameraState(c7), store.cameraState(c9)];
    store.failNextTransactions(tooLong);
    const outcomes = await Promise.allSettled([service.applyCheck(c7, unreachable, onvif), service.applyCheck(c9, unreachable, onvif)]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect([store.cameraState(c7), store.cameraState(c9)]).toEqual(before);
    expect(events).toEqual([]);
    const after = await Promise.all([service.applyCheck(c7, unreachable, onvif), service.applyCheck(c9, unreachable, onvif)]);
    expect(after.map((a) => a.status)).toEqual(['offline', 'offline']);
  });
});

describe('CameraStateService station observations', () => {
  it('a Will takes the station and its cameras down with one station_down alert, and its return has them re-checked at once', async () => {
    const { service, store, events, clock, station, c7, c8, c9 } = setup();
    await expect(service.applyStation(station, { type: 'will' }, 'mqtt')).resolves.toBe('offline');
    expect([c7, c8, c9].map((id) => store.cameraState(id)?.status)).toEqual(['offline', 'offline', 'online']);
    expect(store.cameraState(c7)).toMatchObject({ reason: 'station_down', since: clock.now() });
    expect(store.statusEvents().map((e) => `${e.subject} ${e.id} ${e.status} ${e.reason}`)).toEqual([
      `station ${station} offline station offline (MQTT Will or status)`,
      `camera ${c7} offline station S3 down`,
      `camera ${c8} offline station S3 down`,
    ]);
    expect(events).toEqual([
      'status station:S3 online>offline station offline (MQTT Will or status)',
      'status camera:C7 online>offline station S3 down (S3)',
      'status camera:C8 online>offline station S3 down (S3)',
      'alert station:S3 open station_down',
    ]);
    events.length = 0;
    clock.advance(5 * MINUTE);
    await expect(service.applyStation(station, { type: 'online' }, 'mqtt')).resolves.toBe('online');
    expect(events).toEqual(['status station:S3 offline>online station online (MQTT status)', 'alert station:S3 resolve station_down']);
    // The cameras stay offline until their own checks say otherwise, and those come at once.
    expect([c7, c8].map((id) => store.cameraState(id)?.status)).toEqual(['offline', 'offline']);
    expect([c7, c8, c9].map((id) => store.scheduleOf(id)?.next_at)).toEqual([clock.now(), clock.now(), new Date(T0 + 10 * MINUTE)]);
    expect(store.stationState(station)).toMatchObject({ status: 'online', since: clock.now(), last_seen_at: clock.now() });
  });

  it('a silent station heard since the sweep read its list is left alone; one still silent goes down', async () => {
    const { service, store, events, clock, station } = setup();
    const sweepRead = new Date(T0 - MINUTE);
    clock.advance(2 * MINUTE);
    await expect(service.applyStation(station, { type: 'silent' }, 'system', { notSeenSince: sweepRead })).resolves.toBe('online');
    expect(events).toEqual([]);
    await expect(service.applyStation(station, { type: 'silent' }, 'system', { notSeenSince: new Date(T0 + MINUTE) })).resolves.toBe('offline');
    expect(store.statusEvents('station', station).map((e) => e.reason)).toEqual([
      `station silent: no heartbeat for ${loadConfig({}).stationSilentMs / 1000} s`,
    ]);
  });

  it('answers null for a station that does not exist, writing nothing', async () => {
    const { service, store } = setup();
    await expect(service.applyStation(999, { type: 'will' }, 'mqtt')).resolves.toBeNull();
    expect(store.statusEvents()).toEqual([]);
  });

  it('writes buffered heartbeats in one flush; last seen never moves back', async () => {
    const { service, store, station, c7 } = setup();
    service.recordHeartbeat(station, new Date(T0 + 2 * MINUTE), 'mains', 39, [c7]);
    service.recordHeartbeat(station, new Date(T0 + MINUTE), 'battery', null, [c7]);
    await service.flushHeartbeats();
    expect(store.stationState(station)).toMatchObject({ last_seen_at: new Date(T0 + 2 * MINUTE), power: 'mains', temp_c: 39 });
    expect(store.cameraState(c7)?.last_seen_at).toEqual(new Date(T0 + 2 * MINUTE));
  });
});

describe('CameraStateService orientation and picture', () => {
  it('records an MQTT heading only beyond the noise, at the time it was heard', async () => {
    const { service, store, events, clock, c8 } = setup();
    await expect(service.applyOrientation(c8, 91.5, { pan: 0, tilt: 0 }, 'mqtt')).resolves.toBe(false);
    const heard = new Date(T0 - MINUTE);
    await expect(service.applyOrientation(c8, 95, { pan: 0.1, tilt: null }, 'mqtt', heard)).resolves.toBe(true);
    expect(clock.now().getTime()).toBe(T0);
    expect(store.orientationEvents(c8)).toEqual([{ id: c8, at: heard, heading: 95, pan: 0.1, tilt: null, zoom: null, source: 'mqtt' }]);
    expect(store.cameraState(c8)?.heading_deg).toBe(95);
    expect(events).toEqual(['heading camera:C8 95']);
  });

  it('a confirmed picture fault degrades an answering camera at once and its end brings it back; an offline camera only keeps it', async () => {
    const { service, store, events, clock, c9, c7, station } = setup();
    await expect(service.applyViewObservation(c9, 'view_blocked', 'system')).resolves.toEqual({ status: 'degraded', previous: 'online', transition: true });
    expect(store.cameraState(c9)).toMatchObject({ status: 'degraded', reason: 'view_blocked', view_issue: 'view_blocked' });
    await expect(service.viewIssue(c9)).resolves.toBe('view_blocked');
    // Every later check that answers carries the fault.
    await service.applyCheck(c9, answering, onvif);
    await service.applyCheck(c9, answering, onvif);
    expect(store.cameraState(c9)?.status).toBe('degraded');
    clock.advance(MINUTE);
    await expect(service.applyViewObservation(c9, null, 'system')).resolves.toMatchObject({ status: 'online', transition: true });
    expect(store.statusEvents('camera', c9).map((e) => `${e.status} ${e.reason}`)).toEqual(['degraded view_blocked', 'online picture ok']);
    expect(events).toEqual([
      'status camera:C9 online>degraded view_blocked',
      'alert camera:C9 open view_blocked',
      'status camera:C9 degraded>online picture ok',
      'alert camera:C9 resolve view_blocked',
    ]);
    await service.applyStation(station, { type: 'will' }, 'mqtt');
    await expect(service.applyViewObservation(c7, 'view_dark', 'system')).resolves.toEqual({ status: 'offline', previous: 'offline', transition: false });
    expect(store.cameraState(c7)).toMatchObject({ status: 'offline', view_issue: 'view_dark' });
  });

  it('refuses an observation about a camera that does not exist', async () => {
    const { service } = setup();
    await expect(service.applyOrientation(999, 10, { pan: null, tilt: null }, 'mqtt')).rejects.toThrow('no camera with id 999');
  });
});

describe('CameraStateService writes through database faults', () => {
  it('retries a Will through a database outage and records it at the time it was heard', async () => {
    const { service, store, listening, clock, metrics, station, c7, c8 } = setup();
    store.failNextTransactions(refused, refused, deadlock);
    const heardAt = clock.now();
    clock.advance(2 * MINUTE); // written two minutes later
    await expect(service.applyStation(station, { type: 'will' }, 'mqtt', { at: heardAt })).resolves.toBe('offline');
    expect(store.transactionAttempts).toBe(4);
    expect(store.statusEvents().map((e) => [e.subject, e.id, e.status, e.at.getTime()])).toEqual([
      ['station', station, 'offline', heardAt.getTime()],
      ['camera', c7, 'offline', heardAt.getTime()],
      ['camera', c8, 'offline', heardAt.getTime()],
    ]);
    const retries = (await metrics.dbRetries.get()).values;
    expect(retries.find((v) => v.labels.kind === 'connection')?.value).toBe(2);
    expect(retries.find((v) => v.labels.kind === 'lock_conflict')?.value).toBe(1);
    // A write landed with no heartbeat waiting: camnet records again.
    expect(listening.recording).toBe(true);
  });

  it('marks recording lost while the database refuses', async () => {
    const { service, store, listening, station } = setup();
    store.failNextTransactions(refused);
    const p = service.applyStation(station, { type: 'will' }, 'mqtt');
    await new Promise((r) => setTimeout(r, 10));
    expect(listening.recording).toBe(false);
    await p;
    expect(listening.recording).toBe(true);
  });

  it('drops a write that can never succeed, and counts it', async () => {
    const { service, store, metrics, station } = setup();
    store.failNextTransactions(tooLong);
    await expect(service.applyStation(station, { type: 'will' }, 'mqtt')).rejects.toThrow('value too long');
    expect(store.transactionAttempts).toBe(1);
    expect(store.stationState(station)?.status).toBe('online');
    service.dropped('station_messages', 'permanent', 'a Will of S3', new Error('value too long'));
    const dropped = (await metrics.applyDropped.get()).values.find((v) => v.labels.buffer === 'station_messages' && v.labels.reason === 'permanent');
    expect(dropped?.value).toBe(1);
  });

  it('stops retrying once camnet is stopping', async () => {
    const { service, store, station } = setup();
    store.failNextTransactions(refused, refused, refused, refused);
    service.stopRetrying();
    await expect(service.applyStation(station, { type: 'will' }, 'mqtt')).rejects.toThrow('ECONNREFUSED');
    expect(store.transactionAttempts).toBe(1);
  });
});
