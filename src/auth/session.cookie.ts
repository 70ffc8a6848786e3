/** The names and attributes of the session cookies, in one place for the guard and the login route. */
import type { CookieOptions, Request, Response } from 'express';
import { parse } from 'cookie';

export const SESSION_COOKIE = 'camnet_session';
/** Readable by the map's script, which echoes it in CSRF_HEADER on every write (double submit). */
export const CSRF_COOKIE = 'camnet_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers?.cookie;
  if (!header) return undefined;
  return parse(header)[name];
}

/** Secure whenever the request came over HTTPS (req.secure honours X-Forwarded-Proto behind a trusted proxy). */
function options(req: Request, httpOnly: boolean, maxAgeS: number): CookieOptions {
  return { httpOnly, sameSite: 'strict', secure: req.secure, path: '/', maxAge: maxAgeS * 1000 };
}

export function setSessionCookies(req: Request, res: Response, session: string, csrf: string, maxAgeS: number): void {
  res.cookie(SESSION_COOKIE, session, options(req, true, maxAgeS));
  res.cookie(CSRF_COOKIE, csrf, options(req, false, maxAgeS));
}

/** The single sign-on's state, PKCE verifier and nonce while the browser is at the provider (Lax: it comes back by a cross-site redirect). */
export const OIDC_COOKIE = 'camnet_oidc';
const OIDC_PATH = '/api/auth/oidc';

export function setOidcCookie(req: Request, res: Response, value: string): void {
  res.cookie(OIDC_COOKIE, value, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: OIDC_PATH, maxAge: 600_000 });
}

export function clearOidcCookie(req: Request, res: Response): void {
  res.clearCookie(OIDC_COOKIE, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: OIDC_PATH });
}

export function clearSessionCookies(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, { ...options(req, true, 0), maxAge: undefined });
  res.clearCookie(CSRF_COOKIE, { ...options(req, false, 0), maxAge: undefined });
}
