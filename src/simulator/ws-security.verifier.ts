/**
 * WS-Security UsernameToken checks as a camera does them: PasswordDigest =
 * Base64(SHA1(nonce bytes ‖ Created ‖ password)), PasswordText accepted too, and a
 * Created too far from the device's own clock refused (Dahua, Hikvision and Axis
 * all do this; it is what makes a client's clock-offset handling matter).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { elementText, findElement } from './soap.scanner';

export type WsseVerdict = 'ok' | 'missing' | 'unknown-user' | 'bad-password' | 'stale-created';

export function passwordDigest(nonce: Buffer, created: string, password: string): string {
  return createHash('sha1').update(nonce).update(created, 'utf8').update(password, 'utf8').digest('base64');
}

function sameText(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

/**
 * @param deviceNowMs the device's clock (with any injected skew)
 * @param toleranceMs how far Created may be from it; null skips the check
 */
export function verifyUsernameToken(xml: string, user: string, password: string, deviceNowMs: number, toleranceMs: number | null): WsseVerdict {
  const token = findElement(xml, 'UsernameToken');
  if (token === null) return 'missing';
  const from = token.contentStart;
  const username = elementText(xml, 'Username', from);
  const pw = findElement(xml, 'Password', from);
  if (username === null || pw === null || pw.selfClosing) return 'missing';
  if (username !== user) return 'unknown-user';
  const end = xml.indexOf('<', pw.contentStart);
  const given = xml.slice(pw.contentStart, end).trim();
  const isText = xml.slice(pw.start, pw.contentStart).includes('#PasswordText');
  const created = elementText(xml, 'Created', from);
  if (isText) return sameText(given, password) ? 'ok' : 'bad-password';
  const nonce = elementText(xml, 'Nonce', from);
  if (nonce === null || created === null) return 'missing';
  const expected = passwordDigest(Buffer.from(nonce, 'base64'), created, password);
  if (!sameText(given, expected)) return 'bad-password';
  if (toleranceMs !== null) {
    const t = Date.parse(created);
    if (!Number.isFinite(t) || Math.abs(t - deviceNowMs) > toleranceMs) return 'stale-created';
  }
  return 'ok';
}
