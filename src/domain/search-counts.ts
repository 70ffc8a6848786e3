/**
 * The counts of an incident search answer and the case file's counts row, shared
 * by SearchService and the scope interceptor (which recounts them from the
 * cameras of a user's scope, so they never tell what lies outside it).
 */

/** What the counts read of a camera in the answer. */
export interface CountedCamera {
  sees_point: boolean;
  /** true: likely recorded; false: not recording; null: unknown. */
  recorded: boolean | null;
}

export interface SearchCounts {
  cameras: number;
  sees_point: number;
  recorded: number;
  not_recorded: number;
  unknown: number;
}

/** The answer's counts, from its cameras. */
export function countsOf(cameras: CountedCamera[]): SearchCounts {
  return {
    cameras: cameras.length,
    sees_point: cameras.filter((c) => c.sees_point).length,
    recorded: cameras.filter((c) => c.recorded === true).length,
    not_recorded: cameras.filter((c) => c.recorded === false && c.sees_point).length,
    unknown: cameras.filter((c) => c.recorded === null).length,
  };
}

/** The case file's counts row: its first cell, and its second from the counts. */
export const COUNTS_LABEL = 'cameras / likely recorded / not recording / unknown';
export const countsCell = (n: SearchCounts): string => `${n.cameras} / ${n.recorded} / ${n.not_recorded} / ${n.unknown}`;
