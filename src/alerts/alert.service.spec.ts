/**
 * AlertService decides on in-memory fakes of its stores: one open alert per kind
 * and subject, silence inside maintenance (which never stops a resolve), the
 * closing of a subject's alerts when it enters maintenance, the rules of
 * acknowledging, assigning and resolving by hand, the history each step leaves,
 * and what is told (the bus, the webhook, the metrics). The SQL behind the stores
 * keeps its tests on both databases (test/alerts/alert.repository.test.ts,
 * test/monitoring/maintenance.repository.test.ts); the HTTP routes theirs
 * (test/alerts/*.http.test.ts).
 */
import { BadRequestException, ConflictException, Logger, NotFoundException } from '@nestjs/common';
import { Registry } from 'prom-client';
import { InMemoryAlertStore } from '../../test/support/fakes/alert.store.fake';
import { InMemoryMaintenanceStore } from '../../test/support/fakes/maintenance.store.fake';
import { ManualClock } from '../common/clock';
import { AlertActionEvent, CamnetEvents, EventBus } from '../common/event-bus';
import { badField } from '../http-defaults';
import type { Assignee } from './alert-assignees';
import { AlertService, AssigneeCheck } from './alert.service';

const T0 = Date.parse('2025-06-01T08:00:00Z');
const MIN = 60_000;
const at = (m: number) => new Date(T0 + m * MIN);

/** Who alerts may go to, by login: the rules themselves are AlertAssignees' (test/alerts/alert-work.http.test.ts). */
class KnownAssignees implements AssigneeCheck {
  readonly asked: Array<[string, string]> = [];
  constructor(private readonly people: Record<string, Assignee>) {}
  async resolve(login: string, subject: string): Promise<Assignee> {
    this.asked.push([login, subject]);
    const p = this.people[login];
    if (!p) throw badField('assignee', `no account "${login}"`, 'assignee_unknown', { value: login });
    return p;
  }
}

function world() {
  const store = new InMemoryAlertStore();
  const maintenance = new InMemoryMaintenanceStore();
  const bus = new EventBus();
  const clock = new ManualClock(T0 + 30 * MIN);
  const metrics = new Registry();
  const webhook: Array<{ label: string; event: string }> = [];
  const assignees = new KnownAssignees({
    lan: { user_id: 7, login: 'lan', name: 'Nguyễn Thị Lan', role: 'technician', scope: null },
  });
  store.addPerson(7, 'Nguyễn Thị Lan');
  const alerts = new AlertService(
    store,
    maintenance,
    bus,
    clock,
    { notify: (label, payload) => void webhook.push({ label, event: (payload as { event: string }).event }) },
    metrics,
    assignees,
  );
  alerts.onModuleInit();
  const changes: CamnetEvents['alert.changed'][] = [];
  bus.on('alert.changed', (e) => changes.push(e));
  maintenance
    .addUnit('2019', 'district', '600')
    .addUnit('2019', 'commune', '27700', '600')
    .addUnit('2025-07', 'commune', '99001')
    .addStation({ id: 1, code: 'ST-9', communeCode: '27700', communeCode2025: '99001' })
    .addCamera({ id: 1, code: 'CAM-S1', stationCode: 'ST-9', communeCode: '27700', communeCode2025: '99001' })
    .addCamera({ id: 2, code: 'CAM-P1', stationCode: null, communeCode: '27800', communeCode2025: null })
    .addCamera({ id: 3, code: 'CAM-P2', stationCode: null, communeCode: '27900', communeCode2025: '99002' });
  store.addCamera('CAM-S1', true).addCamera('CAM-P1', false).addCamera('CAM-P2', false);
  const window = (scope: 'camera' | 'station' | 'commune' | 'district', scopeId: string, from: number, to: number) =>
    maintenance.insert({ scope, scopeId, startsAt: at(from), endsAt: at(to), reason: null }, 'kt1');
  return { store, maintenance, bus, clock, metrics, webhook, assignees, alerts, changes, window };
}

// The silenced-alert debug lines would bury the test report.
beforeAll(() => Logger.overrideLogger(false));
afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose']));

const action = (a: Partial<AlertActionEvent> & Pick<AlertActionEvent, 'action' | 'subject'>): AlertActionEvent => ({
  kind: 'offline',
  at: at(0),
  details: {},
  ...a,
});

describe('AlertService: opening and resolving on the status machine’s word', () => {
  it('opens one alert per kind and subject from the bus, resolves it, and may open it again afterwards', async () => {
    const w = world();
    w.bus.emit('alert.action', action({ action: 'open', subject: 'camera:CAM-P1', details: { reason: 'timeout' } }));
    w.bus.emit('alert.action', action({ action: 'open', subject: 'camera:CAM-P1', at: at(1) })); // already open
    w.bus.emit('alert.action', action({ action: 'open', kind: 'turned', subject: 'camera:CAM-P1' }));
    await w.alerts.settled();
    const open = await w.alerts.list(undefined, 10, { subject: 'camera:CAM-P1' });
    expect(open.map((a) => [a.kind, a.state, a.opened_at, a.details])).toEqual([
      ['turned', 'open', at(0).toISOString(), {}],
      ['offline', 'open', at(0).toISOString(), { reason: 'timeout' }],
    ]);
    expect(w.changes.map((c) => [c.kind, c.state])).toEqual([
      ['offline', 'open'],
      ['turned', 'open'],
    ]);
    expect(w.webhook.map((h) => h.event)).toEqual(['alert.opened', 'alert.opened']);
    expect(await w.alerts.openAlertCount()).toBe(2);

    w.bus.emit('alert.action', action({ action: 'resolve', subject: 'camera:CAM-P1', at: at(5) }));
    w.bus.emit('alert.action', action({ action: 'resolve', subject: 'camera:CAM-P1', at: at(6) })); // nothing open any more
    await w.alerts.settled();
    expect(w.changes.slice(2).map((c) => [c.kind, c.state, c.at])).toEqual([['offline', 'resolved', at(5)]]);
    expect(w.webhook.at(-1)?.event).toBe('alert.resolved');
    expect(await w.alerts.openAlertCount()).toBe(1);

    const again = await w.alerts.enqueue(action({ action: 'open', subject: 'camera:CAM-P1', at: at(10) }));
    expect(again).toMatchObject({ kind: 'offline', state: 'open', opened_at: at(10).toISOString() });
    expect(again!.id).not.toBe(open[1].id);
  });

  it('applies an open and its resolve in order even when they arrive back to back', async () => {
    const w = world();
    w.bus.emit('alert.action', action({ action: 'open', kind: 'clock_drift', subject: 'camera:CAM-S1' }));
    w.bus.emit('alert.action', action({ action: 'resolve', kind: 'clock_drift', subject: 'camera:CAM-S1', at: at(1) }));
    await w.alerts.settled();
    expect(await w.alerts.list(undefined, 10)).toMatchObject([{ kind: 'clock_drift', state: 'resolved', resolved_at: at(1).toISOString(), resolved_by: null }]);
  });

  it('keeps going after a failed action: the failure is logged, the next action applies', async () => {
    const w = world();
    const failing = jest.spyOn(w.store, 'open').mockRejectedValueOnce(new Error('connection lost'));
    const logged = jest.spyOn(w.alerts['logger'], 'error').mockImplementation(() => undefined);
    expect(await w.alerts.enqueue(action({ action: 'open', subject: 'camera:CAM-P1' }))).toBeNull();
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('connection lost'));
    failing.mockRestore();
    expect(await w.alerts.enqueue(action({ action: 'open', subject: 'camera:CAM-P1' }))).toMatchObject({ state: 'open' });
  });

  it('records who opened and resolved an alert in its history', async () => {
    const w = world();
    const a = await w.alerts.enqueue(action({ action: 'open', subject: 'station:ST-9', kind: 'station_down' }));
    await w.alerts.enqueue(action({ action: 'resolve', subject: 'station:ST-9', kind: 'station_down', at: at(4) }));
    expect((await w.alerts.get(a!.id)).history).toEqual([
      { at: at(0).toISOString(), action: 'opened', by: 'camnet', note: null, assignee: null },
      { at: at(4).toISOString(), action: 'resolved', by: 'camnet', note: 'recovered', assignee: null },
    ]);
  });
});

describe('AlertService: maintenance', () => {
  it('opens no alert inside a window of the camera, its station, its commune (either layout) or its district, and counts each silenced one', async () => {
    const w = world();
    await w.window('station', 'ST-9', 60, 120);
    await w.window('commune', '27800', 60, 120);
    await w.window('commune', '99002', 60, 120); // a 2025 code
    await w.window('camera', 'CAM-P1', 200, 210);
    await w.window('district', '600', 300, 310);
    const silenced = [
      action({ action: 'open', subject: 'camera:CAM-S1', at: at(90) }),
      action({ action: 'open', kind: 'station_down', subject: 'station:ST-9', at: at(90) }),
      action({ action: 'open', kind: 'turned', subject: 'camera:CAM-P1', at: at(90) }),
      action({ action: 'open', subject: 'camera:CAM-P2', at: at(90) }),
      action({ action: 'open', kind: 'turned', subject: 'camera:CAM-P1', at: at(205) }),
      action({ action: 'open', subject: 'camera:CAM-S1', at: at(305) }),
    ];
    for (const a of silenced) expect(await w.alerts.enqueue(a)).toBeNull();
    expect(await w.alerts.list(undefined, 10)).toEqual([]);
    expect(w.changes).toEqual([]);
    expect(w.webhook).toEqual([]);
    expect(await w.metrics.getSingleMetricAsString('camnet_alerts_silenced_total')).toMatch(/camnet_alerts_silenced_total 6/);

    // A window ends at its end: the same action opens then.
    expect(await w.alerts.enqueue(action({ action: 'open', subject: 'camera:CAM-P1', at: at(210) }))).toMatchObject({ state: 'open' });
  });

  it('still resolves inside a window', async () => {
    const w = world();
    await w.window('station', 'ST-9', 60, 120);
    const opened = await w.alerts.enqueue(action({ action: 'open', kind: 'station_down', subject: 'station:ST-9', at: at(50) }));
    const resolved = await w.alerts.enqueue(action({ action: 'resolve', kind: 'station_down', subject: 'station:ST-9', at: at(90) }));
    expect(resolved).toMatchObject({ id: opened!.id, state: 'resolved', resolved_at: at(90).toISOString() });
  });

  it('closes every open alert of a subject entering maintenance, saying why, and no other subject’s', async () => {
    const w = world();
    const a = await w.alerts.enqueue(action({ action: 'open', subject: 'camera:CAM-S1', details: { reason: 'timeout' } }));
    const b = await w.alerts.enqueue(action({ action: 'open', kind: 'turned', subject: 'camera:CAM-S1' }));
    const other = await w.alerts.enqueue(action({ action: 'open', subject: 'camera:CAM-P1' }));
    w.bus.emit('status.changed', { subject: 'camera', id: 1, code: 'CAM-S1', status: 'maintenance', previous: 'offline', at: at(20), reason: null });
    // A status change to anything else closes nothing.
    w.bus.emit('status.changed', { subject: 'camera', id: 2, code: 'CAM-P1', status: 'offline', previous: 'online', at: at(20), reason: null });
    await w.alerts.settled();
    const closed = await w.alerts.get(a!.id);
    expect(closed).toMatchObject({
      state: 'resolved',
      resolved_at: at(20).toISOString(),
      resolved_by: null,
      details: { reason: 'timeout', resolution: 'maintenance' },
    });
    expect(closed.history.at(-1)).toEqual({
      at: at(20).toISOString(),
      action: 'resolved',
      by: 'camnet',
      note: 'closed: maintenance window began',
      assignee: null,
    });
    expect((await w.alerts.get(b!.id)).state).toBe('resolved');
    expect((await w.alerts.get(other!.id)).state).toBe('open');
    expect(w.webhook.filter((h) => h.event === 'alert.resolved')).toHaveLength(2);
  });
});

describe('AlertService: a technician’s work on an alert', () => {
  it('acknowledges once: again changes nothing but keeps the note; a resolved or unknown alert is refused', async () => {
    const w = world();
    const a = await w.alerts.enqueue(action({ action: 'open', kind: 'auth_failed', subject: 'camera:CAM-P2' }));
    const acked = await w.alerts.ack(a!.id, 'Tổ kỹ thuật', 'đang xem');
    expect(acked).toMatchObject({ state: 'acked', acked_by: 'Tổ kỹ thuật', acked_at: at(30).toISOString() });
    expect(w.changes.at(-1)).toMatchObject({ id: a!.id, state: 'acked', at: at(30) });
    expect(w.webhook.map((h) => h.event)).toEqual(['alert.opened']); // an acknowledgement is not pushed
    w.clock.advance(MIN);
    const changesBefore = w.changes.length;
    await expect(w.alerts.ack(a!.id, 'someone else', 'cũng xem')).resolves.toMatchObject({ acked_by: 'Tổ kỹ thuật', acked_at: at(30).toISOString() });
    await expect(w.alerts.ack(a!.id, 'someone else')).resolves.toMatchObject({ acked_by: 'Tổ kỹ thuật' });
    expect(w.changes.length).toBe(changesBefore);
    expect((await w.alerts.get(a!.id)).history.slice(1)).toEqual([
      { at: at(30).toISOString(), action: 'acked', by: 'Tổ kỹ thuật', note: 'đang xem', assignee: null },
      { at: at(31).toISOString(), action: 'note', by: 'someone else', note: 'cũng xem', assignee: null },
    ]);

    await w.alerts.enqueue(action({ action: 'resolve', kind: 'auth_failed', subject: 'camera:CAM-P2', at: at(40) }));
    await expect(w.alerts.ack(a!.id, 'x')).rejects.toThrow(ConflictException);
    await expect(w.alerts.ack(999, 'x')).rejects.toThrow(NotFoundException);
  });

  it('lists by state, subject and assignee (logins compared as logins), and leaves private cameras out for who may not see them', async () => {
    const w = world();
    const s1 = await w.alerts.enqueue(action({ action: 'open', subject: 'camera:CAM-S1', at: at(1) }));
    const p1 = await w.alerts.enqueue(action({ action: 'open', subject: 'camera:CAM-P1', at: at(2) }));
    const st = await w.alerts.enqueue(action({ action: 'open', kind: 'station_down', subject: 'station:ST-9', at: at(3) }));
    await w.alerts.ack(p1!.id, 'kt1');
    await w.alerts.assign(s1!.id, 'lan', 'kt1');
    const ids = (list: { id: number }[]) => list.map((a) => a.id);
    expect(ids(await w.alerts.list(undefined))).toEqual([st!.id, p1!.id, s1!.id]);
    expect(ids(await w.alerts.list('open'))).toEqual([st!.id, s1!.id]);
    expect(ids(await w.alerts.list('acked'))).toEqual([p1!.id]);
    expect(ids(await w.alerts.list(undefined, 1))).toEqual([st!.id]);
    expect(ids(await w.alerts.list(undefined, 100, { assignee: ' LAN ' }))).toEqual([s1!.id]);
    expect(ids(await w.alerts.list(undefined, 100, { subject: 'camera:CAM-P1' }))).toEqual([p1!.id]);
    expect(ids(await w.alerts.list(undefined, 100, { seesPrivate: false }))).toEqual([st!.id, s1!.id]);
    expect(ids(await w.alerts.list(undefined, 100, { seesPrivate: true }))).toEqual([st!.id, p1!.id, s1!.id]);
  });

  it('assigns to a person its subject may go to, shows their name, and takes it back; never a resolved alert', async () => {
    const w = world();
    const a = await w.alerts.enqueue(action({ action: 'open', subject: 'camera:CAM-S1' }));
    expect(await w.alerts.assign(a!.id, 'lan', 'kt1')).toMatchObject({ assignee: 'lan', assignee_name: 'Nguyễn Thị Lan', state: 'open' });
    expect(w.assignees.asked).toEqual([['lan', 'camera:CAM-S1']]);
    expect(w.changes.at(-1)).toMatchObject({ id: a!.id, state: 'open' });
    // The check's refusal reaches the caller, and nothing changes.
    await expect(w.alerts.assign(a!.id, 'nobody', 'kt1')).rejects.toThrow(BadRequestException);
    expect((await w.alerts.get(a!.id)).assignee).toBe('lan');
    // Taking it back asks no one.
    expect(await w.alerts.assign(a!.id, null, 'kt1')).toMatchObject({ assignee: null, assignee_name: null });
    expect(w.assignees.asked).toHaveLength(2);
    expect((await w.alerts.get(a!.id)).history.filter((s) => s.action === 'assigned')).toEqual([
      { at: at(30).toISOString(), action: 'assigned', by: 'kt1', note: null, assignee: 'lan' },
      { at: at(30).toISOString(), action: 'assigned', by: 'kt1', note: null, assignee: null },
    ]);

    await w.alerts.resolveByHand(a!.id, 'đã thay nguồn', 'kt1');
    await expect(w.alerts.assign(a!.id, 'lan', 'kt1')).rejects.toThrow(ConflictException);
    expect(w.assignees.asked).toHaveLength(2);
    await expect(w.alerts.assign(999, 'lan', 'kt1')).rejects.toThrow(NotFoundException);
  });

  it('resolves by hand once, with the note and who; notes may be added before and after', async () => {
    const w = world();
    const a = await w.alerts.enqueue(action({ action: 'open', subject: 'camera:CAM-S1' }));
    await w.alerts.addNote(a!.id, 'gọi trạm', 'kt1');
    w.clock.advance(5 * MIN);
    const resolved = await w.alerts.resolveByHand(a!.id, 'đã thay nguồn', 'kt2');
    expect(resolved).toMatchObject({ state: 'resolved', resolved_at: at(35).toISOString(), resolved_by: 'kt2' });
    expect(w.changes.at(-1)).toMatchObject({ id: a!.id, state: 'resolved', at: at(35) });
    expect(w.webhook.at(-1)).toMatchObject({ event: 'alert.resolved' });
    await expect(w.alerts.resolveByHand(a!.id, 'again', 'kt2')).rejects.toThrow(ConflictException);
    // A recovery afterwards finds nothing open.
    expect(await w.alerts.enqueue(action({ action: 'resolve', subject: 'camera:CAM-S1', at: at(40) }))).toBeNull();
    await w.alerts.addNote(a!.id, 'kiểm tra lại ổn', 'kt1');
    expect((await w.alerts.get(a!.id)).history.map((s) => [s.action, s.by, s.note])).toEqual([
      ['opened', 'camnet', null],
      ['note', 'kt1', 'gọi trạm'],
      ['resolved', 'kt2', 'đã thay nguồn'],
      ['note', 'kt1', 'kiểm tra lại ổn'],
    ]);
    await expect(w.alerts.addNote(999, 'x', 'kt1')).rejects.toThrow(NotFoundException);
    await expect(w.alerts.resolveByHand(999, 'x', 'kt1')).rejects.toThrow(NotFoundException);
  });

  it('refuses a resolution by hand that lost the race to a recovery', async () => {
    const w = world();
    const a = await w.alerts.enqueue(action({ action: 'open', subject: 'camera:CAM-S1' }));
    // The recovery lands between the check and the write.
    const write = w.store.resolveByHand.bind(w.store);
    jest.spyOn(w.store, 'resolveByHand').mockImplementationOnce(async (id, at, by) => {
      await w.store.resolveOpen('offline', 'camera:CAM-S1', at);
      return write(id, at, by);
    });
    await expect(w.alerts.resolveByHand(a!.id, 'x', 'kt1')).rejects.toThrow(/resolved meanwhile/);
  });

  it('gives the number of alerts not resolved as a metric', async () => {
    const w = world();
    const a = await w.alerts.enqueue(action({ action: 'open', subject: 'camera:CAM-S1' }));
    await w.alerts.enqueue(action({ action: 'open', subject: 'camera:CAM-P1' }));
    await w.alerts.ack(a!.id, 'kt1');
    expect(await w.metrics.getSingleMetricAsString('camnet_alerts_open')).toContain('camnet_alerts_open 2');
    await w.alerts.resolveByHand(a!.id, 'xong', 'kt1');
    expect(await w.metrics.getSingleMetricAsString('camnet_alerts_open')).toContain('camnet_alerts_open 1');
  });
});
