/**
 * The optional second factor for admins and police: set up, confirmed with a
 * first code, then asked at every login; a code is accepted once; the secret is
 * sealed at rest; an admin's password reset removes it (a lost phone).
 */
import request from 'supertest';
import { generateSync } from 'otplib';
import { ManualClock } from '../../src/common/clock';
import { startTestCamnet, TestCamnet } from '../support/camnet';
import { login } from './session-client';

const T0 = Date.parse('2026-12-02T03:00:10Z');

describe('TOTP second factor', () => {
  let t: TestCamnet;
  const clock = new ManualClock(T0);
  const code = (secret: string) => generateSync({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });

  beforeAll(async () => {
    t = await startTestCamnet({ clock, env: { CAMNET_LOGIN_RATE_PER_MIN: '1000' } });
  });
  afterAll(() => t?.close());

  it('is set up, confirmed, then required at login, each code once', async () => {
    const officer = { login: 'totp.police', password: 'mật khẩu công an dài' };
    const created = await t
      .as('admin')
      .post('/api/users')
      .send({ ...officer, name: 'Thiếu tá Phạm An', role: 'police' })
      .expect(201);
    const s = await login(t.url, officer.login, officer.password);
    const setup = await s.write('post', '/api/auth/totp/setup').expect(200);
    expect(setup.body.uri).toMatch(/^otpauth:\/\/totp\/camnet:totp\.police\?/);
    const secret: string = setup.body.secret;
    const [{ totp_secret }] = await t.db.dataSource.query(`SELECT totp_secret FROM app_user WHERE id = $1`, [created.body.id]);
    expect(totp_secret).not.toContain(secret);
    // Not in force until confirmed.
    await login(t.url, officer.login, officer.password);
    await s
      .write('post', '/api/auth/totp/enable')
      .send({ code: '000000' === code(secret) ? '111111' : '000000' })
      .expect(400);
    await s.write('post', '/api/auth/totp/enable').send({ code: 'abc' }).expect(400);
    await s
      .write('post', '/api/auth/totp/enable')
      .send({ code: code(secret) })
      .expect(200);

    clock.advance(30_000);
    const missing = await request(t.url).post('/api/auth/login').send(officer).expect(401);
    expect(missing.body).toMatchObject({ totp_required: true });
    await request(t.url)
      .post('/api/auth/login')
      .send({ ...officer, totp: '12345' })
      .expect(400);
    const current = code(secret);
    const wrong = current === '999999' ? '999998' : '999999';
    await request(t.url)
      .post('/api/auth/login')
      .send({ ...officer, totp: wrong })
      .expect(401);
    await request(t.url)
      .post('/api/auth/login')
      .send({ ...officer, totp: current })
      .expect(200);
    // The same code again (a replay) is refused.
    await request(t.url)
      .post('/api/auth/login')
      .send({ ...officer, totp: current })
      .expect(401);
    // One step of clock drift is tolerated.
    clock.advance(30_000);
    const late = generateSync({ secret, epoch: Math.floor(clock.now().getTime() / 1000) - 30 });
    if (late !== current)
      await request(t.url)
        .post('/api/auth/login')
        .send({ ...officer, totp: late })
        .expect(401); // already past the last step used
    await request(t.url)
      .post('/api/auth/login')
      .send({ ...officer, totp: code(secret) })
      .expect(200);

    const refused = await t.db.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'auth.login' AND target = $1 AND outcome = 'refused'`,
      [officer.login],
    );
    expect(refused[0].n).toBeGreaterThanOrEqual(3);

    // A lost phone: the admin's reset removes the factor along with the password.
    const reset = await t.as('admin').post(`/api/users/${created.body.id}/reset-password`).expect(201);
    expect(reset.body.totp_enabled).toBe(false);
    await login(t.url, officer.login, reset.body.one_time_password);
  });

  it('is offered to admins and police only', async () => {
    const planner = { login: 'totp.planner', password: 'mật khẩu quy hoạch dài' };
    await t
      .as('admin')
      .post('/api/users')
      .send({ ...planner, name: 'P', role: 'planner' })
      .expect(201);
    const s = await login(t.url, planner.login, planner.password);
    await s.write('post', '/api/auth/totp/setup').expect(403);
    await t.as('admin').post('/api/auth/totp/setup').expect(400); // a machine token has no second factor
  });
});
