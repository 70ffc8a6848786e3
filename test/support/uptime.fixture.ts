/**
 * The week of history both uptime tests use: the database test (test/uptime) and the
 * service's spec on in-memory repositories (src/uptime). Same times, same timelines,
 * same windows and scopes, so the two hold the service to the same figures.
 */
import type { Status } from '../../src/domain/status';
import { mulberry32 } from '../../src/geo/prng';
import type { UptimeQuery } from '../../src/uptime/uptime.service';

export const DAY = 86_400_000;
export const H = 3_600_000;
export const D0 = Date.parse('2025-03-01T00:00:00Z');
export const NOW = D0 + 7 * DAY + 5 * H;

/** A week of transitions at millisecond-precise random times. */
export function timeline(seed: number, statuses: Status[], count: number, start = D0): { at: number; status: Status }[] {
  const rnd = mulberry32(seed);
  const times = Array.from({ length: count }, () => start + Math.floor(rnd() * (NOW - start)));
  return times.sort((a, b) => a - b).map((at) => ({ at, status: statuses[Math.floor(rnd() * statuses.length)] }));
}

const windows = [
  { from: D0 + DAY + 7 * H + 13 * 60_000 + 5123, to: D0 + 6 * DAY + 3 * H + 1 }, // partial days at both edges
  { from: D0 + 2 * DAY, to: D0 + 5 * DAY }, // whole days only
  { from: D0 - 3 * DAY, to: NOW }, // starts before any event, ends in the day not rolled up yet
];
const scopes: Omit<UptimeQuery, 'from' | 'to'>[] = [
  { scope: 'camera', code: 'C1' },
  { scope: 'camera', code: 'C2' },
  { scope: 'station', code: 'ST-1' },
  { scope: 'commune', code: '27700' },
  { scope: 'commune', code: '99001', layout: '2025-07' },
  { scope: 'district', code: '600' },
  { scope: 'district', code: '601' },
];

/** Every window × every scope. */
export const UPTIME_QUERIES: UptimeQuery[] = windows.flatMap((w) =>
  scopes.map((s) => ({ ...s, from: new Date(w.from).toISOString(), to: new Date(w.to).toISOString() })),
);
