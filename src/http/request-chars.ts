/**
 * NUL bytes and other control characters have no place in a camnet path or query
 * (codes, dates, case references): refused with 400 before routing, so none
 * reaches PostgreSQL (which rejects NUL in text with an internal error) or a log.
 */
import type { NextFunction, Request, Response } from 'express';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** What is wrong with a request target, or null when it is clean. */
export function requestTargetProblem(url: string): string | null {
  const q = url.indexOf('?');
  const parts: [string, string][] = [['path', q < 0 ? url : url.slice(0, q)]];
  if (q >= 0) parts.push(['query', url.slice(q + 1).replace(/\+/g, ' ')]);
  for (const [where, raw] of parts) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      return `the ${where} holds a malformed %-escape`;
    }
    const m = decoded.match(CONTROL);
    if (m)
      return `the ${where} holds a control character (U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}); codes, dates and case references never do`;
  }
  return null;
}

export function refuseControlCharacters(req: Request, res: Response, next: NextFunction): void {
  const problem = requestTargetProblem(req.originalUrl ?? req.url);
  if (problem) {
    res.status(400).json({ statusCode: 400, error: 'Bad Request', message: problem });
    return;
  }
  next();
}
