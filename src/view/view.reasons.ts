/**
 * The picture-health reasons other modules use: the status reasons (view_*), and which
 * of them mean a camera did not usefully record (the incident search's `recorded`).
 * Nothing here imports Nest or the database.
 */
import { VIEW_ISSUES, type ViewIssue } from '../domain/alert';

export { VIEW_ISSUES, type ViewIssue };

/**
 * A camera degraded for one of these did not usefully record what was in front of it:
 * a dark or blocked picture shows nothing, a frozen one shows an old moment, a moved one
 * shows another place. A blurred picture still recorded something (a shape, a colour,
 * the time a vehicle passed), so it is not in the list.
 */
export const NOT_RECORDING_VIEW_REASONS: readonly ViewIssue[] = ['view_dark', 'view_blocked', 'view_frozen', 'view_moved'];

/** Whether a status reason (camera_state.reason or status_event.reason, possibly a comma list) means "did not usefully record". */
export function viewReasonMeansNotRecorded(reason: string | null | undefined): boolean {
  if (!reason) return false;
  return reason.split(',').some((r) => (NOT_RECORDING_VIEW_REASONS as readonly string[]).includes(r.trim()));
}
