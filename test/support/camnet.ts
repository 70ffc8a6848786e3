/**
 * A whole camnet service for end-to-end tests: a fresh database (real PostgreSQL
 * when DATABASE_URL is set, else PGlite), an embedded broker, the Nest app on a
 * free port, and a token per role.
 */
import request from 'supertest';
import { startCamnet, CamnetInstance } from '../../src/bootstrap';
import { Role, ROLES } from '../../src/auth/api-token.entity';
import { TokenService } from '../../src/auth/token.service';
import { Clock } from '../../src/common/clock';
import { loadConfig } from '../../src/config/config';
import { startEmbeddedBroker } from '../../src/mqtt/embedded-broker';
import { openTestDatabase, TestDatabase } from './database';

export const TEST_SECRET_KEY = '0f'.repeat(32);
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestCamnet {
  camnet: CamnetInstance;
  db: TestDatabase;
  url: string;
  tokens: Record<Role, string>;
  /** supertest against the running service, with the token of `role`. */
  as(role: Role): { get(path: string): request.Test; post(path: string): request.Test; patch(path: string): request.Test; delete(path: string): request.Test };
  close(): Promise<void>;
}

export interface TestCamnetOptions {
  seed?: boolean;
  env?: Record<string, string>;
  clock?: Clock;
  beforeStart?: (db: TestDatabase) => Promise<void>;
  /** Run on this database and broker (a simulated fleet's), left open at close; by default a fresh database and an embedded broker of its own. */
  on?: { db: TestDatabase; brokerUrl: string };
}

export async function startTestCamnet(options: TestCamnetOptions = {}): Promise<TestCamnet> {
  const db = options.on?.db ?? (await openTestDatabase({ migrate: false }));
  await options.beforeStart?.(db);
  const broker = options.on ? null : await startEmbeddedBroker(0);
  const config = loadConfig({
    DATABASE_URL: db.url,
    MQTT_URL: options.on?.brokerUrl ?? broker!.url,
    CAMNET_SECRET_KEY: TEST_SECRET_KEY,
    CAMNET_BOOTSTRAP_TOKEN: TEST_ADMIN_TOKEN,
    CAMNET_SEED: options.seed ? 'on' : 'off',
    CAMNET_SIMULATOR: 'off',
    CAMNET_MONITORING: 'off',
    CAMNET_LOG_LEVEL: 'warn',
    PORT: '0',
    // PGlite's socket server serves one session correctly at a time.
    CAMNET_DB_POOL_SIZE: db.engine === 'pglite' ? '1' : '10',
    ...options.env,
  });
  const camnet = await startCamnet(config, { clock: options.clock });
  const tokenService = camnet.app.get(TokenService);
  const tokens = { admin: TEST_ADMIN_TOKEN } as Record<Role, string>;
  for (const role of ROLES.filter((r) => r !== 'admin')) tokens[role] = (await tokenService.create(`test ${role}`, role)).token;
  const agent = request(camnet.url);
  const as = (role: Role) => {
    const auth = (t: request.Test) => t.set('Authorization', `Bearer ${tokens[role]}`);
    return {
      get: (p: string) => auth(agent.get(p)),
      post: (p: string) => auth(agent.post(p)),
      patch: (p: string) => auth(agent.patch(p)),
      delete: (p: string) => auth(agent.delete(p)),
    };
  };
  return {
    camnet,
    db,
    url: camnet.url,
    tokens,
    as,
    async close() {
      await camnet.stop();
      if (options.on) return;
      await broker?.close();
      await db.close();
    },
  };
}
