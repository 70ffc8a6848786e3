/**
 * Signing in to the map in a real browser (Debian's Chromium): login and
 * password, nothing secret readable by the page's scripts, a write without the
 * CSRF header refused, logout ending the session on the server, and an idle
 * session timing out back to the sign-in form while the map is open.
 */
import type { Page } from 'playwright-core';
import { generateSync } from 'otplib';
import { login } from './session-client';
import { BrowserTest, signIn, startBrowserTest } from '../support/browser';

const ADMIN = { login: 'admin', password: 'mật khẩu quản trị thử' };
const IDLE_S = 6;

describe('signing in to the map in Chromium', () => {
  let t: BrowserTest;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    t = await startBrowserTest({ env: { CAMNET_ADMIN_PASSWORD: ADMIN.password, CAMNET_SESSION_IDLE_S: String(IDLE_S) } });
    page = await t.newPage({ viewport: { width: 1200, height: 800 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  const ready = () => page.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: 30_000 });
  const signInAsAdmin = async (password = ADMIN.password) => {
    await page.waitForSelector('#login-form', { state: 'visible', timeout: 30_000 });
    await signIn(page, { login: ADMIN.login, password });
  };

  it('refuses a wrong password, signs in with the right one, and keeps nothing secret where scripts can read it', async () => {
    await page.goto('/');
    await signInAsAdmin('not the password');
    await page.waitForSelector('#login-error', { state: 'visible' });
    expect(await page.textContent('#login-error')).toMatch(/Sai tên đăng nhập hoặc mật khẩu/);
    await page.fill('#login-password', ADMIN.password);
    await page.click('#login-submit');
    await ready();
    expect(await page.isVisible('#login')).toBe(false);
    expect(await page.textContent('#user')).toContain('Administrator');
    const seen = await page.evaluate(() => ({ storage: Object.keys(localStorage), cookie: document.cookie }));
    expect(seen.storage).toEqual([]);
    expect(seen.cookie).not.toContain('camnet_session'); // httpOnly
    expect(seen.cookie).toContain('camnet_csrf=');
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'camnet_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  });

  it('refuses a write from the page that lacks the CSRF header, and accepts it with the header', async () => {
    const statuses = await page.evaluate(async () => {
      const body = JSON.stringify({ name: 'thử', role: 'planner' });
      const headers = { 'Content-Type': 'application/json' };
      const without = await fetch('/api/tokens', { method: 'POST', headers, body });
      const csrf = decodeURIComponent(
        document.cookie
          .split('; ')
          .find((c) => c.startsWith('camnet_csrf='))!
          .split('=')[1],
      );
      const withIt = await fetch('/api/tokens', { method: 'POST', headers: { ...headers, 'X-CSRF-Token': csrf }, body });
      return [without.status, withIt.status];
    });
    expect(statuses).toEqual([403, 201]);
  });

  it('logs out: the session ends on the server, and the sign-in form is back', async () => {
    const before = (await page.context().cookies()).find((c) => c.name === 'camnet_session')!.value;
    await page.click('#logout');
    await page.waitForSelector('#login-form', { state: 'visible', timeout: 30_000 });
    const res = await fetch(`${t.url}/api/whoami`, { headers: { cookie: `camnet_session=${before}` } });
    expect(res.status).toBe(401);
  });

  it('asks an officer with a second factor for the authenticator code', async () => {
    const officer = { login: 'browser.police', password: 'mật khẩu công an trình duyệt' };
    const adminSession = await login(t.url, ADMIN.login, ADMIN.password);
    await adminSession
      .write('post', '/api/users')
      .send({ ...officer, name: 'Trung úy Võ Hà', role: 'police' })
      .expect(201);
    const s = await login(t.url, officer.login, officer.password);
    const { secret } = (await s.write('post', '/api/auth/totp/setup').expect(200)).body;
    // Confirmed with the previous step's code (within the drift allowed), so the current one is still unused.
    const nowS = Math.floor(Date.now() / 1000);
    await s
      .write('post', '/api/auth/totp/enable')
      .send({ code: generateSync({ secret, epoch: nowS - 30 }) })
      .expect(200);

    await signIn(page, officer);
    await page.waitForSelector('#login-totp', { state: 'visible' });
    await page.fill('#login-totp', generateSync({ secret, epoch: Math.floor(Date.now() / 1000) }));
    await page.click('#login-submit');
    await ready();
    expect(await page.textContent('#user')).toContain('Trung úy Võ Hà');
    await page.click('#logout');
    await page.waitForSelector('#login-form', { state: 'visible', timeout: 30_000 });
  });

  it('an idle session times out while the map is open: the live stream ends and the sign-in form comes back', async () => {
    await signInAsAdmin();
    await ready();
    await page.waitForFunction(() => document.querySelector('#live')?.classList.contains('on'), null, { timeout: 15_000 });
    // No request for IDLE_S seconds: the service ends the session and its stream; the map notices.
    await page.waitForSelector('#login-form', { state: 'visible', timeout: (IDLE_S + 20) * 1000 });
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
