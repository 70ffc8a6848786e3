/**
 * The first start and an upgrade: tokens from before accounts keep working; the
 * first admin's one-time password is printed on the first start only and must be
 * changed at first login; CAMNET_BOOTSTRAP_TOKEN is never printed (finding 4);
 * behind a trusted HTTPS proxy the session cookie is Secure; logins are rate-limited per address.
 */
import request from 'supertest';
import { startCamnet } from '../../src/bootstrap';
import { loadConfig } from '../../src/config/config';
import { hashToken } from '../../src/auth/token.service';
import { startBanner } from '../../src/start-banner';
import { startEmbeddedBroker } from '../../src/mqtt/embedded-broker';
import { openTestDatabase, TestDatabase } from '../support/database';

const BOOTSTRAP = 'bootstrap-token-from-the-environment-42';
const OLD_TOKEN = 'cn_a-token-issued-before-accounts-existed';

describe('first start and upgrade', () => {
  let db: TestDatabase;
  let broker: Awaited<ReturnType<typeof startEmbeddedBroker>>;
  const config = () =>
    loadConfig({
      DATABASE_URL: db.url,
      MQTT_URL: broker.url,
      CAMNET_SECRET_KEY: 'ef'.repeat(32),
      CAMNET_BOOTSTRAP_TOKEN: BOOTSTRAP,
      CAMNET_TRUST_PROXY: 'on',
      CAMNET_SEED: 'off',
      CAMNET_SIMULATOR: 'off',
      CAMNET_MONITORING: 'off',
      CAMNET_LOG_LEVEL: 'warn',
      PORT: '0',
      CAMNET_DB_POOL_SIZE: db.engine === 'pglite' ? '1' : '10',
    });

  beforeAll(async () => {
    // A database as the release before accounts left it, with a token in use.
    db = await openTestDatabase({ migrate: true });
    while ((await db.dataSource.query(`SELECT 1 FROM camnet_migrations WHERE name = 'CreateAccounts1796362267728'`)).length > 0) {
      await db.dataSource.undoLastMigration({ transaction: 'each' });
    }
    await db.dataSource.query(`INSERT INTO api_token (name, role, token_hash) VALUES ('old script', 'technician', $1)`, [hashToken(OLD_TOKEN)]);
    broker = await startEmbeddedBroker(0);
  });
  afterAll(async () => {
    await broker?.close();
    await db?.close();
  });

  it('prints the first admin once, never the bootstrap token; old tokens keep working; the one-time password must be changed', async () => {
    const first = await startCamnet(config());
    let oneTime: string;
    try {
      expect(first.firstAdmin).toMatchObject({ login: 'admin', savedTo: null });
      oneTime = first.firstAdmin!.password;
      const banner = startBanner(first);
      expect(banner).toContain(oneTime);
      expect(banner).not.toContain(BOOTSTRAP);
      await request(first.url).get('/api/whoami').set('Authorization', `Bearer ${OLD_TOKEN}`).expect(200);
      await request(first.url).get('/api/tokens').set('Authorization', `Bearer ${BOOTSTRAP}`).expect(200);

      const login = await request(first.url).post('/api/auth/login').set('X-Forwarded-Proto', 'https').send({ login: 'admin', password: oneTime }).expect(200);
      expect(login.body.must_change_password).toBe(true);
      expect(String(login.headers['set-cookie'])).toMatch(/camnet_session=[^;]+;.*Secure/i);
    } finally {
      await first.stop();
    }

    const second = await startCamnet(config());
    try {
      expect(second.firstAdmin).toBeNull();
      const banner = startBanner(second);
      expect(banner).not.toContain(oneTime);
      expect(banner).not.toContain(BOOTSTRAP);
      await request(second.url).get('/api/whoami').set('Authorization', `Bearer ${OLD_TOKEN}`).expect(200);
      const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM app_user`);
      expect(n).toBe(1);

      // The default rate limit: 10 login attempts per address per minute, then 429.
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++)
        statuses.push(
          (
            await request(second.url)
              .post('/api/auth/login')
              .send({ login: `nobody${i}`, password: 'guess guess guess' })
          ).status,
        );
      expect(statuses).toEqual([...Array(10).fill(401), 429]);
      const limited = await request(second.url).post('/api/auth/login').send({ login: 'admin', password: 'whatever it is' }).expect(429);
      expect(limited.body.message).toMatch(/too many login attempts from this address/);
    } finally {
      await second.stop();
    }
  });
});
