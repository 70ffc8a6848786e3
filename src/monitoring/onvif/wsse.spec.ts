import { createHash } from 'node:crypto';
import { createdFor, freshNonce, passwordDigest, securityHeader } from './wsse';

describe('WS-Security PasswordDigest', () => {
  it('matches the digests a real device accepted (agsh mockup, password 9999)', () => {
    expect(passwordDigest(Buffer.from('NDczOTcxNjIzNw==', 'base64'), '2014-12-24T16:29:56.117Z', '9999')).toBe('GBojZCRixHjpO9rnY+SxhdxZ5bc=');
    expect(passwordDigest(Buffer.from('NjUyNDc5MzMwMQ==', 'base64'), '2014-12-29T17:14:45.863Z', '9999')).toBe('9SFMJiCu7tu//j6QANeCKLxNBZg=');
  });

  it('hashes the raw nonce bytes, not their Base64 text', () => {
    const nonce = Buffer.from('0123456789abcdef', 'ascii');
    expect(passwordDigest(nonce, '2024-01-01T00:00:00Z', 'secret')).toBe('W+AMPWIcgBDGW9XpBeBhrAdNo+g=');
    expect(passwordDigest(Buffer.from(nonce.toString('base64')), '2024-01-01T00:00:00Z', 'secret')).not.toBe('W+AMPWIcgBDGW9XpBeBhrAdNo+g=');
  });

  it('hashes non-ASCII passwords as UTF-8 (the onvif package uses ascii and breaks them)', () => {
    const nonce = Buffer.alloc(16, 1);
    const sha = (pw: Buffer): string =>
      createHash('sha1')
        .update(Buffer.concat([nonce, Buffer.from('x'), pw]))
        .digest('base64');
    expect(passwordDigest(nonce, 'x', 'mật khẩu')).toBe(sha(Buffer.from('mật khẩu', 'utf8')));
    expect(passwordDigest(nonce, 'x', 'mật khẩu')).not.toBe(sha(Buffer.from('mật khẩu', 'ascii')));
  });

  it('puts Created in the device clock: local time plus the offset, in UTC', () => {
    expect(createdFor(Date.UTC(2024, 0, 1, 0, 0, 0), -90_500)).toBe('2023-12-31T23:58:29.500Z');
  });

  it('builds a header with the digest, Base64 nonce and escaped user', () => {
    const nonce = Buffer.from('0123456789abcdef', 'ascii');
    const h = securityHeader('ad<min>', 'secret', '2024-01-01T00:00:00Z', nonce);
    expect(h).toContain('<wsse:Username>ad&lt;min&gt;</wsse:Username>');
    expect(h).toContain('>W+AMPWIcgBDGW9XpBeBhrAdNo+g=</wsse:Password>');
    expect(h).toContain('>MDEyMzQ1Njc4OWFiY2RlZg==</wsse:Nonce>');
    expect(h).toContain('<wsu:Created>2024-01-01T00:00:00Z</wsu:Created>');
  });

  it('uses a fresh nonce on every call', () => {
    const a = securityHeader('u', 'p', '2024-01-01T00:00:00Z');
    const b = securityHeader('u', 'p', '2024-01-01T00:00:00Z');
    const nonceOf = (s: string): string => /<wsse:Nonce[^>]*>([^<]+)</.exec(s)![1];
    expect(Buffer.from(nonceOf(a), 'base64')).toHaveLength(16);
    expect(nonceOf(a)).not.toBe(nonceOf(b));
  });

  it('never hands out a nonce twice, across refills of the random pool', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const n = freshNonce();
      expect(n).toHaveLength(16);
      seen.add(n.toString('hex'));
    }
    expect(seen.size).toBe(1000);
  });
});
