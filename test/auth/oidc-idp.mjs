// A real OpenID provider (oidc-provider) for the single sign-on test, in a process
// of its own: it is ESM-only and warns on Node 20 ("Unsupported runtime"), so it
// stays out of camnet and out of Jest's module system. Test-only.
// Usage: node oidc-idp.mjs <redirect_uri>; prints {"issuer": …} once listening.
import Provider from 'oidc-provider';

const redirectUri = process.argv[2];
// Accounts the test logs in as: the login typed at the provider's form is the account id.
const ROLES = { 'tech-sso': 'kythuat', 'police-sso': 'congan', 'nobody-sso': 'khach' };
const NAMES = { 'tech-sso': 'Nguyễn Văn SSO', 'police-sso': 'Lê Thị SSO', 'nobody-sso': 'Khách' };

const server = (await import('node:http')).createServer();
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const issuer = `http://127.0.0.1:${server.address().port}`;
const provider = new Provider(issuer, {
  clients: [
    { client_id: 'camnet', client_secret: 'camnet-test-secret', redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] },
  ],
  claims: { openid: ['sub'], profile: ['name', 'preferred_username', 'agency_role'] },
  pkce: { required: () => true },
  findAccount: (_ctx, id) => ({
    accountId: id,
    claims: () => ({ sub: id, name: NAMES[id] ?? id, preferred_username: id, agency_role: ROLES[id] ?? 'khach' }),
  }),
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['camnet-test-cookie-key'] },
});
provider.proxy = false;
server.on('request', provider.callback());
process.stdout.write(JSON.stringify({ issuer }) + '\n');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
