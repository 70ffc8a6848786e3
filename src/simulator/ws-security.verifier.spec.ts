import { passwordDigest, verifyUsernameToken } from './ws-security.verifier';

function request(user: string, digest: string, nonceB64: string, created: string, type = 'PasswordDigest'): string {
  return (
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header>' +
    '<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:wsu="u">' +
    `<wsse:UsernameToken><wsse:Username>${user}</wsse:Username>` +
    `<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#${type}">${digest}</wsse:Password>` +
    `<wsse:Nonce EncodingType="b64">${nonceB64}</wsse:Nonce><wsu:Created>${created}</wsu:Created>` +
    '</wsse:UsernameToken></wsse:Security></s:Header><s:Body><GetDeviceInformation/></s:Body></s:Envelope>'
  );
}

describe('passwordDigest', () => {
  it('matches the vectors in the ONVIF notes', () => {
    expect(passwordDigest(Buffer.from('NDczOTcxNjIzNw==', 'base64'), '2014-12-24T16:29:56.117Z', '9999')).toBe('GBojZCRixHjpO9rnY+SxhdxZ5bc=');
    expect(passwordDigest(Buffer.from('0123456789abcdef'), '2024-01-01T00:00:00Z', 'secret')).toBe('W+AMPWIcgBDGW9XpBeBhrAdNo+g=');
  });
});

describe('verifyUsernameToken', () => {
  const created = '2024-01-01T00:00:00Z';
  const now = Date.parse(created) + 2000;
  const nonce = Buffer.from('0123456789abcdef').toString('base64');
  const good = passwordDigest(Buffer.from('0123456789abcdef'), created, 'secret');

  it('accepts the right digest and refuses a wrong password or user', () => {
    expect(verifyUsernameToken(request('admin', good, nonce, created), 'admin', 'secret', now, 300_000)).toBe('ok');
    expect(verifyUsernameToken(request('admin', good, nonce, created), 'admin', 'other', now, 300_000)).toBe('bad-password');
    expect(verifyUsernameToken(request('root', good, nonce, created), 'admin', 'secret', now, 300_000)).toBe('unknown-user');
    expect(verifyUsernameToken('<s:Envelope><s:Body><GetProfiles/></s:Body></s:Envelope>', 'admin', 'secret', now, 300_000)).toBe('missing');
  });

  it('refuses a Created far from the device clock unless the check is off', () => {
    const later = now + 10 * 60_000;
    expect(verifyUsernameToken(request('admin', good, nonce, created), 'admin', 'secret', later, 300_000)).toBe('stale-created');
    expect(verifyUsernameToken(request('admin', good, nonce, created), 'admin', 'secret', later, null)).toBe('ok');
  });

  it('accepts PasswordText with the plain password', () => {
    expect(verifyUsernameToken(request('admin', 'secret', nonce, created, 'PasswordText'), 'admin', 'secret', now, 300_000)).toBe('ok');
    expect(verifyUsernameToken(request('admin', 'nope', nonce, created, 'PasswordText'), 'admin', 'secret', now, 300_000)).toBe('bad-password');
  });
});
