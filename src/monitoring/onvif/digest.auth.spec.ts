import { digestAuthorization, pickDigestChallenge } from './digest.auth';

describe('HTTP Digest', () => {
  it('computes the RFC 2617 example response', () => {
    const c = pickDigestChallenge([
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    ])!;
    const v = digestAuthorization(c, 'Mufasa', 'Circle Of Life', 'GET', '/dir/index.html', 1, '0a4f113b');
    expect(v).toContain('response="6629fae49393a05397450978507c4ef1"');
    expect(v).toContain('nc=00000001');
    expect(v).toContain('opaque="5ccc069c403ebaf9f0171e9517f40e41"');
  });

  it('prefers MD5 when a device offers MD5 and SHA-256 (Hikvision)', () => {
    const c = pickDigestChallenge([
      'Digest qop="auth", realm="IP Camera", nonce="a", algorithm="SHA-256", stale="FALSE"',
      'Digest qop="auth", realm="IP Camera", nonce="b", stale="FALSE"',
    ]);
    expect(c).toMatchObject({ algorithm: 'MD5', nonce: 'b', realm: 'IP Camera', qop: 'auth' });
  });

  it('takes SHA-256 when it is the only one, and ignores Basic', () => {
    expect(pickDigestChallenge(['Basic realm="x"'])).toBeNull();
    expect(pickDigestChallenge(['Digest realm="r", nonce="n", algorithm=SHA-256'])).toMatchObject({ algorithm: 'SHA-256', qop: null });
  });
});
