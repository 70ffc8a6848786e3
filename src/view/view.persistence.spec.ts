import { stepView, type ViewMachineState } from './view.persistence';
import type { ViewState } from './view.analyser';

const start: ViewMachineState = { state: 'ok', pendingState: null, pendingCount: 0 };
const run = (from: ViewMachineState, observed: ViewState[]) => {
  let s = from;
  return observed.map((o) => {
    const step = stepView(s, o);
    s = step.next;
    return [s.state, step.issue];
  });
};

describe('view persistence (the table in view.persistence.ts)', () => {
  test('one passing truck (a single blocked snapshot) changes nothing', () => {
    expect(run(start, ['blocked', 'ok', 'blocked', 'ok'])).toEqual([
      ['ok', null],
      ['ok', null],
      ['ok', null],
      ['ok', null],
    ]);
  });
  test('a fault on two consecutive snapshots is confirmed, and two good ones clear it', () => {
    expect(run(start, ['moved', 'moved', 'ok', 'ok'])).toEqual([
      ['ok', null],
      ['moved', 'view_moved'],
      ['moved', 'view_moved'],
      ['ok', null],
    ]);
  });
  test('frozen acts at once: it already spans several snapshots', () => {
    expect(run(start, ['frozen'])).toEqual([['frozen', 'view_frozen']]);
  });
  test('a failed snapshot keeps a confirmed fault and does not break a run', () => {
    const blocked: ViewMachineState = { state: 'blocked', pendingState: null, pendingCount: 0 };
    expect(run(blocked, ['error', 'ok', 'error', 'ok'])).toEqual([
      ['blocked', 'view_blocked'],
      ['blocked', 'view_blocked'],
      ['blocked', 'view_blocked'],
      ['ok', null],
    ]);
  });
  test('no_snapshot is never alarmed', () => {
    expect(run(start, ['no_snapshot', 'no_snapshot'])).toEqual([
      ['no_snapshot', null],
      ['no_snapshot', null],
    ]);
  });
  test('a different fault restarts the count', () => {
    expect(run(start, ['dark', 'blurred', 'blurred'])).toEqual([
      ['ok', null],
      ['ok', null],
      ['blurred', 'view_blurred'],
    ]);
  });
});
