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
