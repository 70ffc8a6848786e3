/**
 * When a picture observation changes a camera's view state (pure, no clock, no
 * database). A fault must be seen on two consecutive snapshots (no alarm from one
 * passing truck or a bird on the lens); `frozen` already spans several snapshots, so it
 * acts at once. The view state decides the camera's picture issue (view_*), which the
 * status machine turns into `degraded` and an alert.
 *
 * | state now            | observed                         | new state                     | issue           |
 * |----------------------|----------------------------------|-------------------------------|-----------------|
 * | any                  | the same as now                  | unchanged, pending cleared    | as the state    |
 * | any                  | frozen                           | frozen (at once)              | view_frozen     |
 * | any                  | a fault F, the 2nd in a row      | F                             | view_F          |
 * | any                  | a fault F, the 1st               | unchanged, pending F          | unchanged       |
 * | a fault              | ok, the 2nd in a row             | ok                            | none            |
 * | a fault              | ok, the 1st                      | unchanged, pending ok         | unchanged       |
 * | not a fault          | ok                               | ok (at once: nothing to clear)| none            |
 * | any                  | no_snapshot, no_reference        | that (at once)                | none (no alarm) |
 * | a fault              | error (snapshot failed)          | unchanged, pending kept       | unchanged       |
 * | not a fault          | error                            | error                         | none            |
 */
import type { ViewIssue } from '../domain/alert';
import type { ViewFault, ViewState } from './view.analyser';

export const VIEW_CONFIRMATIONS = 2;
export const VIEW_FAULTS: readonly ViewFault[] = ['dark', 'blocked', 'blurred', 'frozen', 'moved'];

export type StoredViewState = ViewState | 'unchecked';

export interface ViewMachineState {
  state: StoredViewState;
  pendingState: StoredViewState | null;
  pendingCount: number;
}

export interface ViewStep {
  next: ViewMachineState;
  /** The state changed (its `since` moves). */
  changed: boolean;
  /** The picture issue the camera has after this step. */
  issue: ViewIssue | null;
}

export function isFault(s: StoredViewState | null): s is ViewFault {
  return s !== null && (VIEW_FAULTS as readonly string[]).includes(s);
}

export function issueOf(s: StoredViewState): ViewIssue | null {
  return isFault(s) ? (`view_${s}` as ViewIssue) : null;
}

export function stepView(s: ViewMachineState, observed: ViewState): ViewStep {
  const to = (state: StoredViewState): ViewStep => ({
    next: { state, pendingState: null, pendingCount: 0 },
    changed: state !== s.state,
    issue: issueOf(state),
  });
  const wait = (pending: StoredViewState): ViewStep => {
    const count = s.pendingState === pending ? s.pendingCount + 1 : 1;
    if (count >= VIEW_CONFIRMATIONS) return to(pending);
    return { next: { state: s.state, pendingState: pending, pendingCount: count }, changed: false, issue: issueOf(s.state) };
  };
  if (observed === s.state) return to(observed);
  if (observed === 'error') {
    return isFault(s.state) ? { next: s, changed: false, issue: issueOf(s.state) } : to('error');
  }
  if (observed === 'no_snapshot' || observed === 'no_reference' || observed === 'frozen') return to(observed);
  if (isFault(observed)) return wait(observed);
  // observed ok
  return isFault(s.state) ? wait('ok') : to('ok');
}
