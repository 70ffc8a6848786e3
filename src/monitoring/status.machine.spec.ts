import type { Status } from '../domain/status';
import {
  CameraMachineState,
  CameraObservation,
  CheckObservation,
  checkTarget,
  hasClockDrift,
  headingDelta,
  isTurned,
  stepCamera,
  stepStation,
} from './status.machine';

const state = (status: Status, cause: string | null = null, pendingStatus: Status | null = null, pendingCount = 0): CameraMachineState => ({
  status,
  cause,
  pendingStatus,
  pendingCount,
});
const check = (over: Partial<CheckObservation> = {}): CheckObservation => ({
  type: 'check',
  reachable: true,
  issues: [],
  stationDown: false,
  inMaintenance: false,
  ...over,
});
const ok = check();
const down = check({ reachable: false });
const auth = check({ issues: ['auth_failed'] });
const drift = check({ issues: ['clock_drift'] });
const turned = check({ issues: ['turned'] });
const badReply = check({ issues: ['bad_reply'] });

/** Runs observations in order, collecting every alert action. */
function run(s: CameraMachineState, ...obs: CameraObservation[]) {
  const alerts: string[] = [];
  let transitions = 0;
  for (const o of obs) {
    const step = stepCamera(s, o);
    s = step.next;
    if (step.transition) transitions++;
    alerts.push(...step.alerts.map((a) => `${a.action}:${a.kind}`));
  }
  return { s, alerts, transitions };
}

describe('check targets', () => {
  it.each([
    [down, 'offline', 'unreachable'],
    [check({ reachable: false, stationDown: true }), 'offline', 'station_down'],
    [auth, 'degraded', 'auth_failed'],
    [drift, 'degraded', 'clock_drift'],
    [turned, 'degraded', 'turned'],
    [badReply, 'degraded', 'bad_reply'],
    [check({ issues: ['turned', 'clock_drift', 'turned'] }), 'degraded', 'clock_drift,turned'],
    [ok, 'online', null],
    [check({ stationDown: true }), 'online', null],
  ])('%j → %s / %s', (o, status, cause) => {
    expect(checkTarget(o)).toEqual({ status, cause });
  });

  it('measures headings on the circle', () => {
    expect(headingDelta(350, 10)).toBe(20);
    expect(headingDelta(10, 350)).toBe(20);
    expect(headingDelta(0, 180)).toBe(180);
    expect(isTurned(350, 10)).toBe(false);
    expect(isTurned(349, 10)).toBe(true);
    expect(isTurned(null, 10)).toBe(false);
    expect(hasClockDrift(300)).toBe(false);
    expect(hasClockDrift(-301)).toBe(true);
    expect(hasClockDrift(null)).toBe(false);
  });
});

describe('camera: two agreeing checks change the status', () => {
  const cases: [Status, string | null, CheckObservation, Status, string | null, string[]][] = [
    ['unknown', null, ok, 'online', null, []],
    ['unknown', null, down, 'offline', 'unreachable', ['open:offline']],
    ['unknown', null, auth, 'degraded', 'auth_failed', ['open:auth_failed']],
    ['online', null, down, 'offline', 'unreachable', ['open:offline']],
    ['online', null, auth, 'degraded', 'auth_failed', ['open:auth_failed']],
    ['online', null, drift, 'degraded', 'clock_drift', ['open:clock_drift']],
    ['online', null, turned, 'degraded', 'turned', ['open:turned']],
    ['online', null, badReply, 'degraded', 'bad_reply', []],
    ['offline', 'unreachable', ok, 'online', null, ['resolve:offline']],
    ['offline', 'unreachable', turned, 'degraded', 'turned', ['open:turned', 'resolve:offline']],
    ['offline', 'station_down', ok, 'online', null, []],
    ['offline', 'station_down', down, 'offline', 'unreachable', ['open:offline']],
    ['degraded', 'auth_failed', ok, 'online', null, ['resolve:auth_failed']],
    ['degraded', 'turned', down, 'offline', 'unreachable', ['open:offline', 'resolve:turned']],
    ['degraded', 'turned', drift, 'degraded', 'clock_drift', ['resolve:turned', 'open:clock_drift']],
    ['degraded', 'turned', check({ issues: ['turned', 'clock_drift'] }), 'degraded', 'clock_drift,turned', ['open:clock_drift']],
    [
      'maintenance',
      'window',
      ok,
      'online',
      null,
      [
        'resolve:offline',
        'resolve:turned',
        'resolve:clock_drift',
        'resolve:auth_failed',
        'resolve:view_dark',
        'resolve:view_blocked',
        'resolve:view_blurred',
        'resolve:view_frozen',
        'resolve:view_moved',
      ],
    ],
    [
      'maintenance',
      'window',
      down,
      'offline',
      'unreachable',
      [
        'open:offline',
        'resolve:turned',
        'resolve:clock_drift',
        'resolve:auth_failed',
        'resolve:view_dark',
        'resolve:view_blocked',
        'resolve:view_blurred',
        'resolve:view_frozen',
        'resolve:view_moved',
      ],
    ],
  ];
  it.each(cases)('%s/%s + 2× %j → %s/%s', (from, cause, o, to, toCause, alerts) => {
    const first = stepCamera(state(from, cause), o);
    expect(first.next.status).toBe(from);
    expect(first.transition).toBe(false);
    expect(first.alerts).toEqual([]);
    expect(first.next.pendingStatus).toBe(to);
    expect(first.next.pendingCount).toBe(1);
    const second = stepCamera(first.next, o);
    expect(second.next).toEqual({ status: to, cause: toCause, pendingStatus: null, pendingCount: 0 });
    expect(second.transition).toBe(to !== from);
    expect(second.alerts.map((a) => `${a.action}:${a.kind}`).sort()).toEqual([...alerts].sort());
  });

  it('an agreeing check clears a pending change', () => {
    const { s } = run(state('online'), down, ok);
    expect(s).toEqual(state('online'));
    expect(run(s, down).s).toEqual(state('online', null, 'offline', 1));
  });

  it('a flapping camera never changes status', () => {
    const r = run(state('online'), down, ok, down, ok, down, ok, down);
    expect(r.transitions).toBe(0);
    expect(r.alerts).toEqual([]);
    expect(r.s.status).toBe('online');
  });

  it('checks that disagree among themselves restart the count', () => {
    const r = run(state('online'), down, auth, down);
    expect(r.s).toEqual(state('online', null, 'offline', 1));
    expect(r.transitions).toBe(0);
  });

  it('a check that confirms the current state changes nothing', () => {
    for (const [s, o] of [
      [state('online'), ok],
      [state('offline', 'unreachable'), down],
      [state('offline', 'station_down'), check({ reachable: false, stationDown: true })],
      [state('degraded', 'auth_failed'), auth],
    ] as const) {
      const step = stepCamera(s, o);
      expect(step).toEqual({ next: s, transition: false, alerts: [], recheck: false });
    }
  });
});

describe('camera: maintenance', () => {
  it.each(['unknown', 'online', 'offline', 'degraded'] as Status[])('%s enters maintenance at once on a check inside a window, silently', (from) => {
    const step = stepCamera(state(from, from === 'offline' ? 'unreachable' : null, 'online', 1), check({ reachable: false, inMaintenance: true }));
    expect(step.next).toEqual(state('maintenance', 'window'));
    expect(step.transition).toBe(true);
    expect(step.alerts).toEqual([]);
  });

  it('stays in maintenance whatever the checks say inside the window', () => {
    const r = run(state('maintenance', 'window'), check({ reachable: false, inMaintenance: true }), check({ reachable: false, inMaintenance: true }));
    expect(r.s).toEqual(state('maintenance', 'window'));
    expect(r.transitions).toBe(0);
  });

  it('a window start moves any other state at once', () => {
    expect(stepCamera(state('online'), { type: 'maintenance_start' }).next).toEqual(state('maintenance', 'window'));
    expect(stepCamera(state('maintenance', 'window'), { type: 'maintenance_start' }).transition).toBe(false);
  });

  it('ignores the station while in maintenance', () => {
    expect(stepCamera(state('maintenance', 'window'), { type: 'station_down' }).transition).toBe(false);
  });
});

describe('camera: the station cascade', () => {
  it.each([
    ['online', null, []],
    ['unknown', null, []],
    ['degraded', 'turned,clock_drift', ['resolve:clock_drift', 'resolve:turned']],
  ] as [Status, string | null, string[]][])('%s goes offline at once, attributed to the station, with no per-camera alert', (from, cause, alerts) => {
    const step = stepCamera(state(from, cause, 'degraded', 1), { type: 'station_down' });
    expect(step.next).toEqual(state('offline', 'station_down'));
    expect(step.transition).toBe(true);
    expect(step.alerts.map((a) => `${a.action}:${a.kind}`).sort()).toEqual(alerts.sort());
  });

  it('a camera already offline on its own keeps its state and alert', () => {
    const step = stepCamera(state('offline', 'unreachable'), { type: 'station_down' });
    expect(step.next).toEqual(state('offline', 'unreachable'));
    expect(step.transition).toBe(false);
    expect(step.alerts).toEqual([]);
  });

  it('while the station is down, failed checks keep the attribution and open nothing', () => {
    const r = run(state('offline', 'station_down'), check({ reachable: false, stationDown: true }), check({ reachable: false, stationDown: true }));
    expect(r.s).toEqual(state('offline', 'station_down'));
    expect(r.alerts).toEqual([]);
  });

  it('the station coming back asks for a re-check and leaves the decision to the checks', () => {
    const step = stepCamera(state('offline', 'station_down', 'online', 1), { type: 'station_online' });
    expect(step).toEqual({ next: state('offline', 'station_down'), transition: false, alerts: [], recheck: true });
    expect(stepCamera(state('online'), { type: 'station_online' })).toEqual({ next: state('online'), transition: false, alerts: [], recheck: false });
    expect(stepCamera(state('offline', 'unreachable'), { type: 'station_online' }).recheck).toBe(false);
  });

  it('a camera that stays dark after its station returns gets its own offline alert after two checks', () => {
    const r = run(state('offline', 'station_down'), { type: 'station_online' }, down, down);
    expect(r.s).toEqual(state('offline', 'unreachable'));
    expect(r.alerts).toEqual(['open:offline']);
    expect(r.transitions).toBe(0);
  });
});

describe('station', () => {
  const cases: [Status, Parameters<typeof stepStation>[1], Status, string[], string | null][] = [
    ['unknown', { type: 'will' }, 'offline', ['open:station_down'], 'station_down'],
    ['online', { type: 'will' }, 'offline', ['open:station_down'], 'station_down'],
    ['offline', { type: 'will' }, 'offline', [], null],
    ['maintenance', { type: 'will' }, 'maintenance', [], null],
    ['online', { type: 'silent' }, 'offline', ['open:station_down'], 'station_down'],
    ['offline', { type: 'silent' }, 'offline', [], null],
    ['maintenance', { type: 'silent' }, 'maintenance', [], null],
    ['unknown', { type: 'online' }, 'online', [], null],
    ['unknown', { type: 'heartbeat' }, 'online', [], null],
    ['offline', { type: 'online' }, 'online', ['resolve:station_down'], 'station_online'],
    ['offline', { type: 'heartbeat' }, 'online', ['resolve:station_down'], 'station_online'],
    ['online', { type: 'online' }, 'online', [], null],
    ['online', { type: 'heartbeat' }, 'online', [], null],
    ['maintenance', { type: 'online' }, 'maintenance', [], null],
    ['maintenance', { type: 'heartbeat' }, 'maintenance', [], null],
    ['online', { type: 'maintenance_start' }, 'maintenance', [], null],
    ['offline', { type: 'maintenance_start' }, 'maintenance', [], null],
    ['maintenance', { type: 'maintenance_start' }, 'maintenance', [], null],
    ['maintenance', { type: 'maintenance_end', recentlySeen: true }, 'online', ['resolve:station_down'], null],
    ['maintenance', { type: 'maintenance_end', recentlySeen: false }, 'offline', ['open:station_down'], 'station_down'],
    ['online', { type: 'maintenance_end', recentlySeen: false }, 'online', [], null],
  ];
  it.each(cases)('%s + %j → %s', (from, o, to, alerts, cameras) => {
    const step = stepStation(from, o);
    expect(step.next).toBe(to);
    expect(step.transition).toBe(to !== from);
    expect(step.alerts.map((a) => `${a.action}:${a.kind}`)).toEqual(alerts);
    expect(step.cameras).toBe(cameras);
  });
});

describe('picture faults from the view module', () => {
  const st = (status: CameraMachineState['status'], cause: string | null): CameraMachineState => ({ status, cause, pendingStatus: null, pendingCount: 0 });
  test('online + a confirmed view fault → degraded at once, its alert opened', () => {
    const step = stepCamera(st('online', null), { type: 'view', issue: 'view_blocked' });
    expect(step.next).toEqual(st('degraded', 'view_blocked'));
    expect(step.transition).toBe(true);
    expect(step.alerts).toEqual([{ action: 'open', kind: 'view_blocked' }]);
  });
  test('degraded for clock drift + a view fault keeps both; clearing it resolves only its alert', () => {
    const both = stepCamera(st('degraded', 'clock_drift'), { type: 'view', issue: 'view_moved' });
    expect(both.next.cause).toBe('clock_drift,view_moved');
    expect(both.transition).toBe(false);
    expect(both.alerts).toEqual([{ action: 'open', kind: 'view_moved' }]);
    const cleared = stepCamera(both.next, { type: 'view', issue: null });
    expect(cleared.next).toEqual(st('degraded', 'clock_drift'));
    expect(cleared.alerts).toEqual([{ action: 'resolve', kind: 'view_moved' }]);
  });
  test('one view fault replaces another', () => {
    const step = stepCamera(st('degraded', 'view_dark'), { type: 'view', issue: 'view_blocked' });
    expect(step.next.cause).toBe('view_blocked');
    expect(step.alerts).toEqual(
      expect.arrayContaining([
        { action: 'open', kind: 'view_blocked' },
        { action: 'resolve', kind: 'view_dark' },
      ]),
    );
    expect(step.alerts).toHaveLength(2);
  });
  test('the picture good again → online, alert resolved', () => {
    const step = stepCamera(st('degraded', 'view_frozen'), { type: 'view', issue: null });
    expect(step.next).toEqual(st('online', null));
    expect(step.alerts).toEqual([{ action: 'resolve', kind: 'view_frozen' }]);
  });
  test.each(['offline', 'maintenance', 'unknown'] as const)('%s is left alone (the next check carries the issue)', (status) => {
    const step = stepCamera(st(status, status === 'offline' ? 'unreachable' : null), { type: 'view', issue: 'view_dark' });
    expect(step.transition).toBe(false);
    expect(step.alerts).toEqual([]);
  });
  test('a check that answers carries the confirmed view issue', () => {
    const step = stepCamera(st('degraded', 'view_dark'), { type: 'check', reachable: true, issues: ['view_dark'], stationDown: false, inMaintenance: false });
    expect(step.next).toEqual(st('degraded', 'view_dark'));
  });
});
