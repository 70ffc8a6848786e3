/**
 * The technician's console in Chromium against the whole service: the incidents panel
 * lists what is down with its reason in the UI's language, picks up a new fault live,
 * acknowledges an alert and opens and ends a maintenance window from the map, and
 * reads on a phone without horizontal scrolling. Screenshots go to docs/ when
 * CAMNET_SCREENSHOTS is set.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../../bench/map.measure';
import { UserService } from '../../src/auth/user.service';
import { EventBus } from '../../src/common/event-bus';
import { startTestCamnet, TestCamnet } from '../support/camnet';
import { loadConsoleFixtures } from './console.fixtures';

/** The map signs in people (a session cookie), not tokens: one technician and one admin for the console. */
const PEOPLE = {
  technician: { login: 'console-tech', password: 'mật khẩu kỹ thuật thử nghiệm', name: 'Console technician', role: 'technician' as const },
  admin: { login: 'console-admin', password: 'mật khẩu quản trị thử nghiệm', name: 'Console admin', role: 'admin' as const },
};
type Person = keyof typeof PEOPLE;

async function signIn(page: Page, who: Person): Promise<void> {
  await page.fill('#login-name', PEOPLE[who].login);
  await page.fill('#login-password', PEOPLE[who].password);
  await page.click('#login-submit');
}

const SCREENSHOTS = process.env.CAMNET_SCREENSHOTS ? path.join(__dirname, '../../docs') : null;

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the technician console in Chromium', () => {
  let t: TestCamnet;
  let browser: Browser;
  const problems: string[] = [];

  const open = async (viewport: { width: number; height: number }, who: Person = 'admin'): Promise<Page> => {
    const context = await browser.newContext({ viewport, baseURL: t.url, locale: 'vi-VN' });
    const page = await context.newPage();
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    await page.goto('/');
    await signIn(page, who);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 60_000 });
    await page.waitForSelector('#console .console-item', { timeout: 30_000 });
    return page;
  };
  const items = (page: Page) => page.$$eval('#console .console-item', (els) => els.map((e) => `${e.getAttribute('data-code')}|${e.querySelector('.console-reason')?.textContent}`));

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    t = await startTestCamnet({ seed: false });
    await loadConsoleFixtures(t.db.dataSource);
    const users = t.camnet.app.get(UserService);
    for (const person of Object.values(PEOPLE)) await users.create(person);
    // A status history for the availability chart.
    await t.db.dataSource.query(
      `INSERT INTO status_event (subject, subject_id, at, status, source) SELECT 'camera', id, now() - interval '3 days', 'online', 'onvif' FROM camera WHERE code = 'ST-A-C3'`,
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('lists what is down, grouped by station, with the reason in Vietnamese', async () => {
    const page = await open({ width: 1400, height: 900 }, 'technician');
    expect(await items(page)).toEqual([
      'ST-A-C1|Mất kết nối (không trả lời)',
      'ST-A-C3|Camera bị xoay hướng',
      'ST-B|Trạm mất kết nối',
      'ST-B-C1|Trạm mất kết nối ST-B',
      'ST-B-C2|Trạm mất kết nối ST-B',
      // CIT-1, a private camera, is down too: a technician is not shown it.
    ]);
    // A new fault appears within moments of its live event, without a reload.
    await t.db.dataSource.query(
      `UPDATE camera_state SET status = 'offline', since = now(), reason = 'unreachable', last_error = '{"kind":"refused","message":"ECONNREFUSED"}'
       WHERE camera_id = (SELECT id FROM camera WHERE code = 'ST-A-C2')`,
    );
    t.camnet.app.get(EventBus).emit('status.changed', { subject: 'camera', id: 0, code: 'ST-A-C2', status: 'offline', previous: 'online', at: new Date(), reason: 'refused' });
    await waitFor('ST-A-C2 listed', async () => (await items(page)).includes('ST-A-C2|Mất kết nối (bị từ chối)'));
    // A status filter hides the stations left without a matching camera.
    const stationsShown = (status: string) =>
      page.evaluate((st) => {
        const layers = (window as any).camnet.layers;
        layers.applyFilter((e: any) => e.status === st);
        return layers.groups.stations.getLayers().length;
      }, status);
    expect(await stationsShown('degraded')).toBe(1);
    expect(await stationsShown('maintenance')).toBe(0);
    expect(await page.evaluate(() => {
      const layers = (window as any).camnet.layers;
      layers.applyFilter(() => true);
      return layers.groups.stations.getLayers().length;
    })).toBe(2);
    if (SCREENSHOTS) await page.screenshot({ path: path.join(SCREENSHOTS, 'console-desktop.png') });
    await page.context().close();
  }, 120_000);

  it('acknowledges an alert, opens a maintenance window and ends it, from the map', async () => {
    const page = await open({ width: 1400, height: 900 });
    await page.click('#console .console-item[data-code="ST-A-C3"]');
    await page.waitForSelector('.console-selected[data-code="ST-A-C3"] [data-action="ack"]');
    // Its availability over 30 days, drawn by uPlot.
    await page.waitForSelector('#console-chart-camera .uplot canvas', { timeout: 20_000 });
    await page.fill('#console-note', 'đã báo đội lắp đặt');
    await page.click('[data-action="ack"]');
    const [alert] = await waitFor('alert acknowledged', async () => {
      const rows = await t.db.dataSource.query(`SELECT id, acked_by FROM alert WHERE subject = 'camera:ST-A-C3' AND acked_at IS NOT NULL`);
      return rows.length ? rows : null;
    });
    expect(alert.acked_by).toBe(PEOPLE.admin.name);
    const history = await t.as('admin').get(`/api/alerts/${alert.id}`).expect(200);
    expect(history.body.history.at(-1)).toMatchObject({ action: 'acked', note: 'đã báo đội lắp đặt' });

    await page.click('[data-action="maintain"]');
    await waitFor('camera in maintenance', async () => {
      const [r] = await t.db.dataSource.query(`SELECT cs.status FROM camera_state cs JOIN camera c ON c.id = cs.camera_id WHERE c.code = 'ST-A-C3'`);
      return r.status === 'maintenance';
    });
    await waitFor('listed as maintenance', async () => (await items(page)).includes('ST-A-C3|Đang bảo trì'));
    await page.waitForSelector('[data-action="end"]');
    await page.click('[data-action="end"]');
    await waitFor('window ended', async () => {
      const active = await t.as('admin').get('/api/maintenance-windows?active=true').expect(200);
      return !active.body.some((w: any) => w.scope_id === 'ST-A-C3');
    });
    await page.context().close();
  }, 120_000);

  it('shows the incidents list on a phone without horizontal scrolling, nearest first from the browser’s position', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, baseURL: t.url, geolocation: { latitude: 10.7, longitude: 106.5 }, permissions: ['geolocation'] });
    const page = await context.newPage();
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    await page.goto('/');
    await signIn(page, 'technician');
    await page.waitForSelector('#console .console-item', { timeout: 60_000 });
    expect(await page.isVisible('#panel-console')).toBe(true);
    const widths = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, aside: document.querySelector('aside')!.scrollWidth }));
    expect(widths.doc).toBeLessThanOrEqual(390);
    expect(widths.aside).toBeLessThanOrEqual(390);
    await page.click('[data-action="nearest"]');
    await page.waitForSelector('[data-action="bytime"]');
    const first = await page.$eval('#console .console-item', (e) => e.textContent ?? '');
    expect(first).toMatch(/km/);
    if (SCREENSHOTS) await page.screenshot({ path: path.join(SCREENSHOTS, 'console-phone.png'), fullPage: true });
    await context.close();
  }, 120_000);

  it('raised no script errors', () => {
    expect(problems).toEqual([]);
  });
});
