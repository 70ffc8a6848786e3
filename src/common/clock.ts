/** The one source of "now" for services, so tests can drive time (injected as CLOCK). */
export interface Clock {
  now(): Date;
}
export const CLOCK = Symbol('CLOCK');
export const systemClock: Clock = { now: () => new Date() };

/** A clock a test moves by hand. */
export class ManualClock implements Clock {
  constructor(private t: number) {}
  now(): Date {
    return new Date(this.t);
  }
  set(at: Date | number): void {
    this.t = typeof at === 'number' ? at : at.getTime();
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

/**
 * The calendar day (YYYY-MM-DD) in Long An at `at`. Registration and retirement
 * dates are days in the province's time: Asia/Ho_Chi_Minh, UTC+7, no daylight saving.
 */
export function localDay(at: Date): string {
  return new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

/** Long An's offset from UTC: Asia/Ho_Chi_Minh, UTC+7 all year. */
export const LONG_AN_OFFSET_MS = 7 * 3_600_000;

/** An ISO 8601 date-time that states its own offset (Z or ±hh[:mm]). */
const HAS_OFFSET = /(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$/;

/**
 * Reads an ISO 8601 date or date-time as people in Long An type it: a time with
 * an offset is taken as written; one without is Long An's wall-clock time (an
 * officer typing 17:30 means 17:30 local, not UTC). Answers null when unreadable.
 */
export function parseLocalDateTime(text: string): Date | null {
  const s = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}/.test(s)) return null;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(s);
  const hasTime = s.length > 10;
  const ms = hasTime && HAS_OFFSET.test(s.slice(10)) ? Date.parse(s) : Date.parse(`${dateOnly ? `${s}T00:00:00` : s}Z`) - LONG_AN_OFFSET_MS;
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** `at` as Long An's wall-clock time with its offset: 2025-03-01T21:30:00+07:00. */
export function localIsoString(at: Date): string {
  return `${new Date(at.getTime() + LONG_AN_OFFSET_MS).toISOString().slice(0, 19)}+07:00`;
}
