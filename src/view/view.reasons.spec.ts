import { NOT_RECORDING_VIEW_REASONS, viewReasonMeansNotRecorded } from './view.reasons';

test('dark, blocked, frozen and moved mean "did not usefully record"; blurred and other reasons do not', () => {
  expect(NOT_RECORDING_VIEW_REASONS).toEqual(['view_dark', 'view_blocked', 'view_frozen', 'view_moved']);
  expect(viewReasonMeansNotRecorded('clock_drift,view_blocked')).toBe(true);
  expect(viewReasonMeansNotRecorded('view_blurred')).toBe(false);
  expect(viewReasonMeansNotRecorded('turned')).toBe(false);
  expect(viewReasonMeansNotRecorded(null)).toBe(false);
});
