import { Registry } from 'prom-client';
import { ManualClock } from '../common/clock';
import { EventBus } from '../common/event-bus';
import { loadConfig } from '../config/config';
import type { CameraStateRepository, StatusEventRow } from './camera-state.repository';
import { CameraStateService } from './camera-state.service';
import { ListeningWindow } from './listening-window';
import { MonitoringMetrics } from './monitoring.metrics';

/** A repository fake: one online station with one online camera; transactions fail as scripted. */
function setup(failures: unknown[]) {
  const events: StatusEventRow[] = [];
  let attempts = 0;
  const repo = {
    transaction: async (fn: (m: unknown) => Promise<unknown>) => {
      attempts++;
      const err = failures.shift();
      if (err !== undefined) throw err;
      return fn({});
    },
    stationCameraIds: async () => [7],
    lockCameras: async () =>
      new Map([
        [
          7,
          {
            camera_id: 7,
            status: 'online',
            since: new Date(0),
            reason: null,
            pending_status: null,
            pending_count: 0,
            heading_deg: null,
            code: 'C7',
            registered_deg: 0,
            station_id: 3,
            station_code: 'S3',
            station_status: 'online',
          },
        ],
      ]),
    lockStation: async () => ({ status: 'online', code: 'S3', since: new Date(0), last_seen_at: new Date(0) }),
    updateStation: async () => undefined,
    updateCameraMachineState: async () => undefined,
    insertStatusEvents: async (_m: unknown, rows: StatusEventRow[]) => void events.push(...rows),
    checkSoon: async () => undefined,
  } as unknown as CameraStateRepository;
  const config = loadConfig({});
  const clock = new ManualClock(Date.UTC(2026, 11, 4, 1, 0, 0));
  const listening = new ListeningWindow(config);
  const registry = new Registry();
  const metrics = new MonitoringMetrics(registry);
  const service = new CameraStateService(repo, new EventBus(), clock, config, listening, metrics);
  return { service, events, listening, clock, metrics, attempts: () => attempts };
}

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });

describe('CameraStateService writes', () => {
  it('retries a Will through a database outage and records it at the time it was heard', async () => {
    const { service, events, listening, clock, metrics, attempts } = setup([refused, refused, deadlock]);
    const heardAt = clock.now();
    clock.advance(120_000); // written two minutes later
    await expect(service.applyStation(3, { type: 'will' }, 'mqtt', { at: heardAt })).resolves.toBe('offline');
    expect(attempts()).toBe(4);
    expect(events.map((e) => [e.subject, e.id, e.status, e.at.getTime()])).toEqual([
      ['station', 3, 'offline', heardAt.getTime()],
      ['camera', 7, 'offline', heardAt.getTime()],
    ]);
    const retries = (await metrics.dbRetries.get()).values;
    expect(retries.find((v) => v.labels.kind === 'connection')?.value).toBe(2);
    expect(retries.find((v) => v.labels.kind === 'lock_conflict')?.value).toBe(1);
    // A write landed with no heartbeat waiting: camnet records again.
    expect(listening.recording).toBe(true);
  });

  it('marks recording lost while the database refuses', async () => {
    const { service, listening } = setup([refused]);
    const p = service.applyStation(3, { type: 'will' }, 'mqtt');
    await new Promise((r) => setTimeout(r, 10));
    expect(listening.recording).toBe(false);
    await p;
    expect(listening.recording).toBe(true);
  });

  it('drops a write that can never succeed, and counts it', async () => {
    const { service, metrics, attempts } = setup([Object.assign(new Error('value too long'), { code: '22001' })]);
    await expect(service.applyStation(3, { type: 'will' }, 'mqtt')).rejects.toThrow('value too long');
    expect(attempts()).toBe(1);
    service.dropped('station_messages', 'permanent', 'a Will of S3', new Error('value too long'));
    const dropped = (await metrics.applyDropped.get()).values.find((v) => v.labels.buffer === 'station_messages' && v.labels.reason === 'permanent');
    expect(dropped?.value).toBe(1);
  });

  it('stops retrying once camnet is stopping', async () => {
    const { service, attempts } = setup([refused, refused, refused, refused]);
    service.stopRetrying();
    await expect(service.applyStation(3, { type: 'will' }, 'mqtt')).rejects.toThrow('ECONNREFUSED');
    expect(attempts()).toBe(1);
  });
});
