/**
 * A browser's side of a session, for tests: logs in with a login and password
 * and keeps the cookies and the CSRF token, as the map does.
 */
import request from 'supertest';

export interface SessionClient {
  cookie: string;
  csrf: string;
  body: Record<string, unknown>;
  get(path: string): request.Test;
  /** A write with the session cookie and, unless `csrf: false`, the CSRF header. */
  write(method: 'post' | 'patch' | 'delete', path: string, options?: { csrf?: boolean }): request.Test;
}

export async function login(url: string, loginName: string, password: string): Promise<SessionClient> {
  const res = await request(url).post('/api/auth/login').send({ login: loginName, password });
  if (res.status !== 200) throw new Error(`login of ${loginName} answered ${res.status}: ${JSON.stringify(res.body)}`);
  const setCookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const cookie = setCookies.map((c) => c.split(';')[0]).join('; ');
  const csrf = res.body.csrf_token as string;
  return {
    cookie,
    csrf,
    body: res.body,
    get: (path) => request(url).get(path).set('Cookie', cookie),
    write: (method, path, options = {}) => {
      const t = request(url)[method](path).set('Cookie', cookie);
      return options.csrf === false ? t : t.set('X-CSRF-Token', csrf);
    },
  };
}

/**
 * Opens the live event stream with these headers and answers a promise of when
 * it ends (the server closed it), with a function to abort it from our side.
 */
export async function openStream(url: string, headers: Record<string, string>): Promise<{ status: number; ended: Promise<number>; abort(): void }> {
  const controller = new AbortController();
  const res = await fetch(`${url}/api/events`, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  if (res.status !== 200 || !res.body) return { status: res.status, ended: Promise.resolve(Date.now()), abort: () => controller.abort() };
  const reader = res.body.getReader();
  const ended = (async () => {
    try {
      for (;;) {
        const { done } = await reader.read();
        if (done) return Date.now();
      }
    } catch {
      return Date.now();
    }
  })();
  return { status: res.status, ended, abort: () => controller.abort() };
}

/** Resolves to the time `p` settled, or rejects after `ms`. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms))),
  ]);
}
