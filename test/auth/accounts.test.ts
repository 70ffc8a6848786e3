/**
 * People log in: passwords, sessions in an httpOnly SameSite cookie, CSRF on
 * cookie writes, lockout, one-time passwords, idle and absolute timeouts, logout
 * and "log out everywhere", machine tokens with expiry, the audit naming the
 * person, and live streams that end when the access behind them ends. Against
 * the whole service on PostgreSQL or PGlite.
 */
import request from 'supertest';
import { ManualClock } from '../../src/common/clock';
import { RECHECK_MS } from '../../src/auth/access.watch';
import { startTestCamnet, TestCamnet, TEST_ADMIN_TOKEN } from '../support/camnet';
import { login, openStream, within } from './session-client';

const ADMIN_PASSWORD = 'Đồng Tháp Mười 2026!';
const T0 = Date.parse('2026-12-01T01:00:00Z');
const IDLE_S = 600;
const MAX_S = 3600;

describe('accounts and sessions', () => {
  let t: TestCamnet;
  let clock: ManualClock;
  let n = 0;

  /** A fresh user of `role` with a password of their own (not a one-time one). */
  const newUser = async (role: 'admin' | 'technician' | 'police' | 'planner', name = `${role} ${++n}`) => {
    const loginName = `${role}.${n}.${Date.now() % 100000}`;
    const password = `mật khẩu dài ${n} của ${role}`;
    const res = await t.as('admin').post('/api/users').send({ login: loginName, name, role, password }).expect(201);
    return { id: res.body.id as number, login: loginName, password, name };
  };

  beforeAll(async () => {
    clock = new ManualClock(T0);
    t = await startTestCamnet({
      clock,
      env: {
        CAMNET_ADMIN_PASSWORD: ADMIN_PASSWORD,
        CAMNET_SESSION_IDLE_S: String(IDLE_S),
        CAMNET_SESSION_MAX_S: String(MAX_S),
        CAMNET_LOGIN_RATE_PER_MIN: '1000',
      },
    });
  });
  afterAll(() => t?.close());

  it('logs the first admin in with the configured password; the session cookie is httpOnly and SameSite=Strict; the hash is argon2id', async () => {
    const res = await request(t.url).post('/api/auth/login').send({ login: 'Admin', password: ADMIN_PASSWORD }).expect(200);
    expect(res.body).toMatchObject({ login: 'admin', role: 'admin', must_change_password: false });
    const cookies: string[] = res.headers['set-cookie'] as unknown as string[];
    const session = cookies.find((c) => c.startsWith('camnet_session='))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Strict/i);
    expect(session).not.toMatch(/Secure/i); // plain HTTP here; Secure over HTTPS (trust proxy)
    const csrfCookie = cookies.find((c) => c.startsWith('camnet_csrf='))!;
    expect(csrfCookie).not.toMatch(/HttpOnly/i);
    const [{ password_hash }] = await t.db.dataSource.query(`SELECT password_hash FROM app_user WHERE login = 'admin'`);
    expect(password_hash).toMatch(/^\$argon2id\$/);
    expect(password_hash).not.toContain(ADMIN_PASSWORD);
  });

  it('marks the session Secure behind an HTTPS proxy only when trusted', async () => {
    const viaProxy = await request(t.url)
      .post('/api/auth/login')
      .set('X-Forwarded-Proto', 'https')
      .send({ login: 'admin', password: ADMIN_PASSWORD })
      .expect(200);
    // CAMNET_TRUST_PROXY is off here: a client cannot make camnet believe it is behind HTTPS.
    expect(String(viaProxy.headers['set-cookie'])).not.toMatch(/Secure/i);
  });

  it('refuses a wrong password without saying whether the login exists, and audits the refusal', async () => {
    const wrong = await request(t.url).post('/api/auth/login').send({ login: 'admin', password: 'not the password' }).expect(401);
    const unknown = await request(t.url).post('/api/auth/login').send({ login: 'nobody', password: 'not the password' }).expect(401);
    expect(wrong.body.message).toBe(unknown.body.message);
    const audit = await t.as('admin').get('/api/audit?action=auth.login&limit=5').expect(200);
    expect(audit.body.find((a: any) => a.target === 'nobody')).toMatchObject({ outcome: 'refused', status: 401 });
  });

  it('a session reads, and writes only with the CSRF header', async () => {
    const tech = await newUser('technician', 'Trần Văn Kỹ');
    const s = await login(t.url, tech.login, tech.password);
    expect((await s.get('/api/whoami').expect(200)).body).toMatchObject({ name: 'Trần Văn Kỹ', role: 'technician', kind: 'session' });
    const window = {
      scope: 'commune',
      scope_id: '27700',
      starts_at: new Date(T0).toISOString(),
      ends_at: new Date(T0 + 3_600_000).toISOString(),
      reason: 'thay cáp',
    };
    const refused = await s.write('post', '/api/maintenance-windows', { csrf: false }).send(window).expect(403);
    expect(refused.body.message).toMatch(/x-csrf-token/i);
    await s.write('post', '/api/maintenance-windows').set('X-CSRF-Token', 'cx_forged').send(window).expect(403);
    const ok = await s.write('post', '/api/maintenance-windows').send(window);
    expect(ok.status).not.toBe(403);
    expect(ok.status).toBeLessThan(500);
  });

  it('a machine token is accepted only in the Authorization header; a query-string token only on the event stream', async () => {
    await request(t.url).get(`/api/summary?access_token=${TEST_ADMIN_TOKEN}`).expect(401);
    await request(t.url).get(`/api/tokens?access_token=${TEST_ADMIN_TOKEN}`).expect(401);
    await request(t.url).get('/api/summary').set('Authorization', `Token ${TEST_ADMIN_TOKEN}`).expect(401);
    const stream = await openStream(`${t.url}`, {});
    expect(stream.status).toBe(401);
    const viaQuery = await fetch(`${t.url}/api/events?access_token=${TEST_ADMIN_TOKEN}`, { headers: { accept: 'text/event-stream' } });
    expect(viaQuery.status).toBe(200);
    await viaQuery.body?.cancel();
  });

  it('locks an account after 5 failed logins until an admin resets it; the reset password must be changed first', async () => {
    const police = await newUser('police');
    for (let i = 0; i < 5; i++) await request(t.url).post('/api/auth/login').send({ login: police.login, password: 'wrong wrong wrong' }).expect(401);
    const locked = await request(t.url).post('/api/auth/login').send({ login: police.login, password: police.password }).expect(429);
    expect(locked.body.message).toMatch(/locked until/);
    const reset = await t.as('admin').post(`/api/users/${police.id}/reset-password`).expect(201);
    const oneTime = reset.body.one_time_password as string;
    expect(oneTime).toHaveLength(16);
    const s = await login(t.url, police.login, oneTime);
    expect(s.body.must_change_password).toBe(true);
    expect((await s.get('/api/whoami').expect(200)).body.must_change_password).toBe(true);
    expect((await s.get('/api/summary').expect(403)).body.message).toMatch(/change your one-time password/);
    const weak = await s.write('post', '/api/auth/password').send({ current_password: oneTime, new_password: 'short' }).expect(400);
    expect(weak.body.errors[0]).toMatchObject({ field: 'new_password' });
    await s.write('post', '/api/auth/password').send({ current_password: 'not it', new_password: 'một mật khẩu mới dài' }).expect(400);
    await s.write('post', '/api/auth/password').send({ current_password: oneTime, new_password: 'một mật khẩu mới dài' }).expect(200);
    await s.get('/api/summary').expect(200);
    await login(t.url, police.login, 'một mật khẩu mới dài');
  });

  it('logout ends the session on the server; "log out everywhere" ends every session of the user', async () => {
    const planner = await newUser('planner');
    const a = await login(t.url, planner.login, planner.password);
    const b = await login(t.url, planner.login, planner.password);
    const c = await login(t.url, planner.login, planner.password);
    await a.write('post', '/api/auth/logout').expect(200);
    expect((await a.get('/api/summary').expect(401)).body.message).toMatch(/session has ended/);
    await b.get('/api/summary').expect(200);
    expect((await b.write('post', '/api/auth/logout-everywhere').expect(200)).body.ended).toBe(2);
    await b.get('/api/summary').expect(401);
    await c.get('/api/summary').expect(401);
  });

  it('a session times out when idle and after its absolute lifetime', async () => {
    const tech = await newUser('technician');
    const idle = await login(t.url, tech.login, tech.password);
    clock.advance((IDLE_S - 60) * 1000);
    await idle.get('/api/summary').expect(200); // activity keeps it alive…
    clock.advance((IDLE_S - 60) * 1000);
    await idle.get('/api/summary').expect(200);
    clock.advance((IDLE_S + 1) * 1000); // …idleness ends it
    await idle.get('/api/summary').expect(401);

    const busy = await login(t.url, tech.login, tech.password);
    for (let elapsed = 0; elapsed < MAX_S; elapsed += IDLE_S / 2) {
      clock.advance((IDLE_S / 2) * 1000);
      if (elapsed + IDLE_S / 2 <= MAX_S) await busy.get('/api/summary').expect(200);
    }
    clock.advance(1000);
    await busy.get('/api/summary').expect(401);
    const [{ ended_reason }] = await t.db.dataSource.query(`SELECT ended_reason FROM user_session WHERE user_id = $1 ORDER BY id DESC LIMIT 1`, [tech.id]);
    expect(ended_reason).toBe('max_age');
  });

  it('a disabled user is logged out at once and cannot log in; the last admin cannot be disabled', async () => {
    const tech = await newUser('technician');
    const s = await login(t.url, tech.login, tech.password);
    await t.as('admin').patch(`/api/users/${tech.id}`).send({ state: 'disabled' }).expect(200);
    await s.get('/api/summary').expect(401);
    await request(t.url).post('/api/auth/login').send({ login: tech.login, password: tech.password }).expect(401);
    const [admin] = (await t.as('admin').get('/api/users').expect(200)).body.filter((u: any) => u.login === 'admin');
    const admins = (await t.as('admin').get('/api/users').expect(200)).body.filter((u: any) => u.role === 'admin' && u.state === 'active');
    if (admins.length === 1) await t.as('admin').patch(`/api/users/${admin.id}`).send({ state: 'disabled' }).expect(400);
  });

  it('validates new users and says what is wrong', async () => {
    const bad = await t.as('admin').post('/api/users').send({ login: 'x y', name: 'A', role: 'mayor' }).expect(400);
    expect(bad.body.errors.map((e: any) => e.field)).toContain('role');
    const badLogin = await t.as('admin').post('/api/users').send({ login: 'x y', name: 'A', role: 'police' }).expect(400);
    expect(badLogin.body.errors[0].field).toBe('login');
    const weak = await t.as('admin').post('/api/users').send({ login: 'weak.one', name: 'A', role: 'police', password: 'weak.one-password' }).expect(400);
    expect(weak.body.errors[0].reason).toMatch(/login/);
    const u = await newUser('planner');
    await t.as('admin').post('/api/users').send({ login: u.login, name: 'B', role: 'planner' }).expect(409);
    const generated = await t
      .as('admin')
      .post('/api/users')
      .send({ login: `gen.${n}`, name: 'C', role: 'planner' })
      .expect(201);
    expect(generated.body).toMatchObject({ must_change_password: true });
    expect(generated.body.one_time_password).toMatch(/^[A-Za-z0-9]{16}$/);
    const listed = (await t.as('admin').get('/api/users').expect(200)).body;
    expect(JSON.stringify(listed)).not.toMatch(/argon2|password_hash|one_time_password/);
  });

  it('machine tokens have a name, an optional expiry, and stop at it', async () => {
    const expiresAt = new Date(clock.now().getTime() + 60_000).toISOString();
    const created = await t.as('admin').post('/api/tokens').send({ name: 'webhook consumer', role: 'technician', expires_at: expiresAt }).expect(201);
    await request(t.url).get('/api/summary').set('Authorization', `Bearer ${created.body.token}`).expect(200);
    clock.advance(61_000);
    await request(t.url).get('/api/summary').set('Authorization', `Bearer ${created.body.token}`).expect(401);
    await t.as('admin').post('/api/tokens').send({ name: 'x', role: 'planner', expires_at: 'tomorrow' }).expect(400);
    await t
      .as('admin')
      .post('/api/tokens')
      .send({ name: 'x', role: 'planner', expires_at: new Date(T0 - 1000).toISOString() })
      .expect(400);
  });

  it('the audit names the person, and a police search refused for a missing case_ref is audited as refused', async () => {
    const officer = await newUser('police', 'Đại úy Lê Minh');
    const s = await login(t.url, officer.login, officer.password);
    await s.get('/api/search/near?lat=10.6&lon=106.4&radius_m=200').expect(400);
    await s.get('/api/search/near?lat=10.6&lon=106.4&radius_m=200&case_ref=VV-2026-0142').expect(200);
    const rows = await t.db.dataSource.query(
      `SELECT user_id, actor, role, action, outcome, status FROM audit_log WHERE user_id = $1 AND action LIKE '%search%' ORDER BY id`,
      [officer.id],
    );
    expect(rows).toEqual([
      { user_id: officer.id, actor: 'Đại úy Lê Minh', role: 'police', action: 'get /api/search/near', outcome: 'refused', status: 400 },
      { user_id: officer.id, actor: 'Đại úy Lê Minh', role: 'police', action: 'search.near', outcome: 'ok', status: null },
    ]);
    // A role refusal is audited too, and a machine token is named by its name.
    await t.as('planner').get('/api/audit').expect(403);
    const [refused] = await t.db.dataSource.query(
      `SELECT actor, role, outcome, status, token_id FROM audit_log WHERE action = 'get /api/audit' ORDER BY id DESC LIMIT 1`,
    );
    expect(refused).toMatchObject({ actor: 'test planner', role: 'planner', outcome: 'refused', status: 403 });
    expect(refused.token_id).not.toBeNull();
  });

  describe('live streams end when access ends (within 5 s)', () => {
    const DEADLINE_MS = 5000;

    it('revoking a machine token closes its stream', async () => {
      const created = await t.as('admin').post('/api/tokens').send({ name: 'stream reader', role: 'technician' }).expect(201);
      const viaHeader = await openStream(t.url, { authorization: `Bearer ${created.body.token}` });
      const viaQuery = await fetch(`${t.url}/api/events?access_token=${created.body.token}`);
      expect([viaHeader.status, viaQuery.status]).toEqual([200, 200]);
      const queryEnded = (async () => {
        const r = viaQuery.body!.getReader();
        while (!(await r.read()).done);
      })();
      await t.as('admin').delete(`/api/tokens/${created.body.id}`).expect(200);
      await within(viaHeader.ended, DEADLINE_MS, 'the header stream closing');
      await within(queryEnded, DEADLINE_MS, 'the query-token stream closing');
    });

    it('disabling a user, logging out and ending a session elsewhere close its streams', async () => {
      const tech = await newUser('technician');
      const s1 = await login(t.url, tech.login, tech.password);
      const s2 = await login(t.url, tech.login, tech.password);
      const st1 = await openStream(t.url, { cookie: s1.cookie });
      const st2 = await openStream(t.url, { cookie: s2.cookie });
      expect([st1.status, st2.status]).toEqual([200, 200]);
      await s1.write('post', '/api/auth/logout').expect(200);
      await within(st1.ended, DEADLINE_MS, 'the logged-out stream closing');

      // Ended by another replica (straight in the database): found by the periodic re-check.
      const [{ id }] = await t.db.dataSource.query(`SELECT id FROM user_session WHERE user_id = $1 AND ended_at IS NULL`, [tech.id]);
      await t.db.dataSource.query(`UPDATE user_session SET ended_at = now(), ended_reason = 'test' WHERE id = $1`, [id]);
      await within(st2.ended, RECHECK_MS + DEADLINE_MS, 'the stream of a session ended elsewhere closing');

      const s3 = await login(t.url, tech.login, tech.password);
      const st3 = await openStream(t.url, { cookie: s3.cookie });
      await t.as('admin').patch(`/api/users/${tech.id}`).send({ state: 'disabled' }).expect(200);
      await within(st3.ended, DEADLINE_MS, "the disabled user's stream closing");
    });

    it('an idle timeout closes the stream', async () => {
      const tech = await newUser('technician');
      const s = await login(t.url, tech.login, tech.password);
      const st = await openStream(t.url, { cookie: s.cookie });
      expect(st.status).toBe(200);
      clock.advance((IDLE_S + 1) * 1000);
      await within(st.ended, RECHECK_MS + DEADLINE_MS, 'the timed-out stream closing');
    });
  });
});
