/**
 * HTTP Digest (RFC 7616) for devices set to digest instead of, or on top of, WS-Security
 * (Hikvision "Digest" mode, INSTAR, some Axis). The challenge is kept per device so later
 * requests authenticate on the first round trip with an incremented nonce count.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque: string | null;
  qop: 'auth' | null;
  algorithm: 'MD5' | 'SHA-256';
}

/** Splits `k=v, k="v, with comma"` pairs. */
function params(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([a-zA-Z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) out[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3];
  return out;
}

/**
 * Picks a usable challenge among the WWW-Authenticate values. Hikvision sends two, MD5 and
 * SHA-256; MD5 is preferred because it is what every device accepts.
 */
export function pickDigestChallenge(values: readonly string[]): DigestChallenge | null {
  let best: DigestChallenge | null = null;
  for (const v of values) {
    if (!/^\s*digest\s/i.test(v)) continue;
    const p = params(v.replace(/^\s*digest\s+/i, ''));
    if (p.realm === undefined || p.nonce === undefined) continue;
    const alg = (p.algorithm ?? 'MD5').toUpperCase();
    if (alg !== 'MD5' && alg !== 'SHA-256') continue;
    const qops = (p.qop ?? '').split(',').map((q) => q.trim().toLowerCase());
    if (p.qop !== undefined && !qops.includes('auth')) continue;
    const c: DigestChallenge = {
      realm: p.realm,
      nonce: p.nonce,
      opaque: p.opaque ?? null,
      qop: p.qop !== undefined ? 'auth' : null,
      algorithm: alg,
    };
    if (!best || (best.algorithm !== 'MD5' && c.algorithm === 'MD5')) best = c;
  }
  return best;
}

function h(alg: DigestChallenge['algorithm'], s: string): string {
  return createHash(alg === 'MD5' ? 'md5' : 'sha256')
    .update(s, 'utf8')
    .digest('hex');
}

/** The Authorization header value for one request; `nc` counts uses of this nonce. */
export function digestAuthorization(
  c: DigestChallenge,
  user: string,
  password: string,
  method: string,
  uri: string,
  nc: number,
  cnonce: string = randomBytes(8).toString('hex'),
): string {
  const ha1 = h(c.algorithm, `${user}:${c.realm}:${password}`);
  const ha2 = h(c.algorithm, `${method}:${uri}`);
  const ncHex = nc.toString(16).padStart(8, '0');
  const response = c.qop ? h(c.algorithm, `${ha1}:${c.nonce}:${ncHex}:${cnonce}:auth:${ha2}`) : h(c.algorithm, `${ha1}:${c.nonce}:${ha2}`);
  const q = (s: string): string => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  let v = `Digest username="${q(user)}", realm="${q(c.realm)}", nonce="${q(c.nonce)}", uri="${q(uri)}", ` + `algorithm=${c.algorithm}, response="${response}"`;
  if (c.qop) v += `, qop=auth, nc=${ncHex}, cnonce="${cnonce}"`;
  if (c.opaque !== null) v += `, opaque="${q(c.opaque)}"`;
  return v;
}
