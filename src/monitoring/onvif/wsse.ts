/**
 * WS-Security UsernameToken with PasswordDigest, the authentication every ONVIF device
 * accepts. `Created` must be in the device's clock, so callers pass the offset measured
 * by the last GetSystemDateAndTime: devices refuse a stale or future Created (Dahua
 * "Wsse authorized time check failed", Hikvision NotAuthorized after drift).
 */
import { createHash, randomBytes } from 'node:crypto';

export const PASSWORD_DIGEST_TYPE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest';
export const BASE64_ENCODING_TYPE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';

/**
 * Base64(SHA1(nonce ‖ created ‖ password)). The raw nonce bytes are hashed, not their
 * Base64 text, and the password as UTF-8 (the onvif package uses 'ascii', which breaks
 * non-ASCII passwords).
 */
export function passwordDigest(nonce: Buffer, created: string, password: string): string {
  return createHash('sha1').update(nonce).update(created, 'utf8').update(password, 'utf8').digest('base64');
}

/** The `Created` timestamp for a device whose clock is `offsetMs` ahead of ours. */
export function createdFor(localNowMs: number, offsetMs: number): string {
  return new Date(localNowMs + offsetMs).toISOString();
}

export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;'));
}

/** Random bytes drawn 4 KiB at a time: one call into the CSPRNG per 256 nonces instead of one per request. */
const NONCE_BYTES = 16;
let noncePool = Buffer.alloc(0);
let nonceAt = 0;

/** A fresh 16-byte nonce, never handed out twice (each is a new slice of the pool). */
export function freshNonce(): Buffer {
  if (nonceAt + NONCE_BYTES > noncePool.length) {
    noncePool = randomBytes(4096);
    nonceAt = 0;
  }
  const n = noncePool.subarray(nonceAt, nonceAt + NONCE_BYTES);
  nonceAt += NONCE_BYTES;
  return n;
}

/**
 * The `<s:Header>` element (prefix `s` bound by the caller's envelope) carrying a
 * UsernameToken. A fresh 16-byte nonce per request unless one is given (tests):
 * some devices reject a repeated nonce.
 */
export function securityHeader(user: string, password: string, created: string, nonce: Buffer = freshNonce()): string {
  return (
    '<s:Header><wsse:Security s:mustUnderstand="1" ' +
    'xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" ' +
    'xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">' +
    `<wsse:UsernameToken><wsse:Username>${xmlEscape(user)}</wsse:Username>` +
    `<wsse:Password Type="${PASSWORD_DIGEST_TYPE}">${passwordDigest(nonce, created, password)}</wsse:Password>` +
    `<wsse:Nonce EncodingType="${BASE64_ENCODING_TYPE}">${nonce.toString('base64')}</wsse:Nonce>` +
    `<wsu:Created>${created}</wsu:Created></wsse:UsernameToken></wsse:Security></s:Header>`
  );
}
