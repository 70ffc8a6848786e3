import { ConflictException, NotFoundException } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { Registry } from 'prom-client';
import { AlertsModule } from '../../src/alerts/alerts.module';
import { AlertService } from '../../src/alerts/alert.service';
import { ManualClock } from '../../src/common/clock';
import { AlertActionEvent, CamnetEvents, EventBus } from '../../src/common/event-bus';
import { METRICS } from '../../src/health/metrics';
import { testCoreModule } from '../support/core';
import { openTestDatabase, TestDatabase } from '../support/database';

const T0 = Date.parse('2025-06-01T08:00:00Z');
const MIN = 60_000;

describe('AlertService (database)', () => {
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let alerts: AlertService;
  let bus: EventBus;
  const changes: CamnetEvents['alert.changed'][] = [];

  const action = (a: Partial<AlertActionEvent> & Pick<AlertActionEvent, 'action' | 'subject'>): AlertActionEvent => ({
    kind: 'offline',
    at: new Date(T0),
    details: {},
    ...a,
  });
  const rows = (subject: string) =>
    db.dataSource.query(`SELECT kind, opened_at, resolved_at, details FROM alert WHERE subject = $1 ORDER BY id`, [subject]);

  beforeAll(async () => {
    db = await openTestDatabase();
    const q = (sql: string, p: unknown[] = []) => db.dataSource.query(sql, p);
    const st = (await q(`INSERT INTO station (code, name, commune_code, commune_code_2025, lat, lon) VALUES ('ST-9', 'Trạm 9', '27700', '99001', 10.6, 106.4) RETURNING id`))[0].id;
    const cam = `INSERT INTO camera (code, station_id, ownership, commune_code, commune_code_2025, lat, lon, heading_deg, fov_deg, range_m) VALUES ($1, $2, $3, $4, $5, 10.6, 106.4, 0, 60, 40)`;
    await q(cam, ['CAM-S1', st, 'station', '27700', '99001']);
    await q(cam, ['CAM-P1', null, 'citizen', '27800', null]);
    await q(cam, ['CAM-P2', null, 'citizen', '27900', '99002']);
    const mw = `INSERT INTO maintenance_window (scope, scope_id, starts_at, ends_at) VALUES ($1, $2, $3, $4)`;
    await q(mw, ['station', 'ST-9', new Date(T0 + 60 * MIN), new Date(T0 + 120 * MIN)]);
    await q(mw, ['commune', '27800', new Date(T0 + 60 * MIN), new Date(T0 + 120 * MIN)]);
    await q(mw, ['commune', '99002', new Date(T0 + 60 * MIN), new Date(T0 + 120 * MIN)]); // 2025 code
    await q(mw, ['camera', 'CAM-P1', new Date(T0 + 200 * MIN), new Date(T0 + 210 * MIN)]);

    moduleRef = await Test.createTestingModule({
      imports: [
        testCoreModule(db.dataSource, new ManualClock(T0 + 30 * MIN)),
        AlertsModule,
      ],
    }).compile();
    await moduleRef.init();
    alerts = moduleRef.get(AlertService);
    bus = moduleRef.get(EventBus);
    bus.on('alert.changed', (e) => changes.push(e));
  });

  afterAll(async () => {
    await moduleRef?.close();
    await db?.close();
  });

  beforeEach(() => {
    changes.length = 0;
  });

  it('opens one alert per kind and subject from the bus, and resolves it', async () => {
    bus.emit('alert.action', action({ action: 'open', subject: 'camera:CAM-P1', details: { reason: 'timeout' } }));
    bus.emit('alert.action', action({ action: 'open', subject: 'camera:CAM-P1', at: new Date(T0 + MIN) })); // duplicate
    bus.emit('alert.action', action({ action: 'open', kind: 'turned', subject: 'camera:CAM-P1' }));
    await alerts.settled();
    expect(await rows('camera:CAM-P1')).toEqual([
      { kind: 'offline', opened_at: new Date(T0), resolved_at: null, details: { reason: 'timeout' } },
      { kind: 'turned', opened_at: new Date(T0), resolved_at: null, details: {} },
    ]);
    expect(changes.map((c) => [c.kind, c.state])).toEqual([
      ['offline', 'open'],
      ['turned', 'open'],
    ]);
    expect(await alerts.openAlertCount()).toBe(2);

    bus.emit('alert.action', action({ action: 'resolve', subject: 'camera:CAM-P1', at: new Date(T0 + 5 * MIN) }));
    bus.emit('alert.action', action({ action: 'resolve', subject: 'camera:CAM-P1', at: new Date(T0 + 6 * MIN) })); // nothing open any more
    await alerts.settled();
    expect((await rows('camera:CAM-P1'))[0].resolved_at).toEqual(new Date(T0 + 5 * MIN));
    expect(changes.slice(2).map((c) => c.state)).toEqual(['resolved']);
    expect(await alerts.openAlertCount()).toBe(1);

    // After the resolution, the same kind may open again as a new alert.
    await alerts.enqueue(action({ action: 'open', subject: 'camera:CAM-P1', at: new Date(T0 + 10 * MIN) }));
    expect((await rows('camera:CAM-P1')).filter((r: { kind: string }) => r.kind === 'offline')).toHaveLength(2);
  });

  it('applies an open and its resolve in order even when they arrive back to back', async () => {
    bus.emit('alert.action', action({ action: 'open', kind: 'clock_drift', subject: 'camera:CAM-S1' }));
    bus.emit('alert.action', action({ action: 'resolve', kind: 'clock_drift', subject: 'camera:CAM-S1', at: new Date(T0 + MIN) }));
    await alerts.settled();
    expect(await rows('camera:CAM-S1')).toEqual([{ kind: 'clock_drift', opened_at: new Date(T0), resolved_at: new Date(T0 + MIN), details: {} }]);
  });

  it('lists by state and acknowledges, refusing unknown and resolved alerts', async () => {
    const opened = await alerts.enqueue(action({ action: 'open', kind: 'auth_failed', subject: 'camera:CAM-P2' }));
    expect(opened).toMatchObject({ kind: 'auth_failed', subject: 'camera:CAM-P2', state: 'open' });
    expect((await alerts.list('open')).map((a) => a.id)).toContain(opened!.id);

    const acked = await alerts.ack(opened!.id, 'Tổ kỹ thuật');
    expect(acked).toMatchObject({ state: 'acked', acked_by: 'Tổ kỹ thuật', acked_at: new Date(T0 + 30 * MIN).toISOString() });
    expect(changes.at(-1)).toMatchObject({ id: opened!.id, state: 'acked' });
    expect((await alerts.list('open')).map((a) => a.id)).not.toContain(opened!.id);
    expect((await alerts.list('acked')).map((a) => a.id)).toEqual([opened!.id]);
    await expect(alerts.ack(opened!.id, 'someone else')).resolves.toMatchObject({ acked_by: 'Tổ kỹ thuật' });

    await alerts.enqueue(action({ action: 'resolve', kind: 'auth_failed', subject: 'camera:CAM-P2', at: new Date(T0 + 40 * MIN) }));
    expect((await alerts.list('acked')).map((a) => a.id)).toEqual([]);
    const resolved = await alerts.list('resolved');
    expect(resolved.find((a) => a.id === opened!.id)).toMatchObject({ state: 'resolved', acked_by: 'Tổ kỹ thuật' });
    await expect(alerts.ack(opened!.id, 'x')).rejects.toThrow(ConflictException);
    await expect(alerts.ack(999_999, 'x')).rejects.toThrow(NotFoundException);
    expect(await alerts.list(undefined, 2)).toHaveLength(2);
  });

  it('does not open alerts inside maintenance (own, station or commune window), but still resolves them', async () => {
    const inWindow = new Date(T0 + 90 * MIN);
    const silenced = [
      action({ action: 'open', subject: 'camera:CAM-S1', at: inWindow }), // station ST-9 window
      action({ action: 'open', kind: 'station_down', subject: 'station:ST-9', at: inWindow }),
      action({ action: 'open', kind: 'turned', subject: 'camera:CAM-P1', at: inWindow }), // commune 27800
      action({ action: 'open', subject: 'camera:CAM-P2', at: inWindow }), // commune 99002 (2025 layout)
      action({ action: 'open', kind: 'turned', subject: 'camera:CAM-P1', at: new Date(T0 + 205 * MIN) }), // its own window
    ];
    for (const a of silenced) expect(await alerts.enqueue(a)).toBeNull();
    expect(await db.dataSource.query(`SELECT id FROM alert WHERE opened_at >= $1`, [inWindow])).toEqual([]);
    const metrics = await moduleRef.get<Registry>(METRICS).getSingleMetricAsString('camnet_alerts_silenced_total');
    expect(metrics).toMatch(/camnet_alerts_silenced_total 5/);

    // Outside the window the same action opens; a resolve inside a window still resolves.
    const opened = await alerts.enqueue(action({ action: 'open', kind: 'station_down', subject: 'station:ST-9', at: new Date(T0 + 50 * MIN) }));
    expect(opened?.state).toBe('open');
    const resolved = await alerts.enqueue(action({ action: 'resolve', kind: 'station_down', subject: 'station:ST-9', at: inWindow }));
    expect(resolved).toMatchObject({ id: opened!.id, state: 'resolved', resolved_at: inWindow.toISOString() });
  });

  it('exposes the open alert count as a metric', async () => {
    const text = await moduleRef.get<Registry>(METRICS).getSingleMetricAsString('camnet_alerts_open');
    expect(text).toContain(`camnet_alerts_open ${await alerts.openAlertCount()}`);
  });
});
