/**
 * Which database failures are worth trying again: the connection went away or
 * could not be made (PostgreSQL restarting, a network cut), or PostgreSQL chose
 * this transaction as a deadlock or serialization victim. Anything else (a
 * constraint, a type error) fails the same way every time and is dropped, logged
 * with what it carried. Pure: no Nest, no database.
 */

/** SQLSTATE classes and codes that a retry can cure. */
const TRANSIENT_SQLSTATES = new Set(['40P01', '40001', '55P03', '57P01', '57P02', '57P03', '53300']);
const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const TRANSIENT_MESSAGES = [
  /connection terminated/i,
  /connection (?:is )?(?:closed|ended|lost)/i,
  /timeout exceeded when trying to connect/i,
  /client has encountered a connection error/i,
  /cannot use a pool after calling end/i,
  /not queryable/i,
  /socket hang up/i,
  /deadlock detected/i,
];

/** The fields of a driver error camnet reads; any of them may be missing. */
interface DriverErrorLike {
  code?: unknown;
  message?: unknown;
  errors?: unknown;
  cause?: DriverErrorLike | null;
  driverError?: DriverErrorLike | null;
}

export function isTransientDbError(err: unknown): boolean {
  for (let e = err as DriverErrorLike | null | undefined, depth = 0; e != null && depth < 4; e = e.cause ?? e.driverError, depth++) {
    const code = typeof e.code === 'string' ? e.code : null;
    if (code !== null && (TRANSIENT_SQLSTATES.has(code) || code.startsWith('08') || TRANSIENT_NODE_CODES.has(code))) return true;
    if (Array.isArray(e.errors) && e.errors.some((x: unknown) => isTransientDbError(x))) return true; // AggregateError (IPv4 + IPv6 refused)
    const message = typeof e.message === 'string' ? e.message : '';
    if (TRANSIENT_MESSAGES.some((re) => re.test(message))) return true;
  }
  return false;
}

/** Whether the error is a deadlock or serialization failure (counted apart from outages). */
export function isLockConflict(err: unknown): boolean {
  for (let e = err as DriverErrorLike | null | undefined, depth = 0; e != null && depth < 4; e = e.cause ?? e.driverError, depth++) {
    if (e.code === '40P01' || e.code === '40001') return true;
  }
  return false;
}

/** Backoff before attempt n (1-based): 50 ms doubling to 5 s, with ±20% jitter so replicas do not retry in step. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(5000, 50 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}
