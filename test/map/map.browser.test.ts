/**
 * The map in a real browser (Debian's Chromium driven by playwright-core) against
 * the whole service with the Long An seed: it loads without script errors, shows
 * the province's figures, draws routes and cameras, recolours a camera on a live
 * status change, and lists the cameras that see a clicked place in incident mode.
 */
import * as fs from 'node:fs';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { CamnetInstance, startCamnet } from '../../src/bootstrap';
import { EventBus } from '../../src/common/event-bus';
import { loadConfig } from '../../src/config/config';
import { destinationPoint } from '../../src/geo/geo.math';
import { openTestDatabase, TestDatabase } from '../support/database';
import { openTestBroker, TestBroker } from '../support/mqtt-broker';

import { CHROMIUM, CHROMIUM_ARGS, measureMapLoad } from '../../bench/map.measure';

const ADMIN_TOKEN = 'test-admin-token-123456';
/** The map signs in as a person: the first admin, with the password given in the configuration. */
const ADMIN = { login: 'admin', password: 'mật khẩu quản trị thử' };

interface Camera {
  code: string;
  lat: number;
  lon: number;
  heading_deg: number;
  fov_deg: number;
  range_m: number;
  status: string;
}

describe('the map in Chromium', () => {
  let db: TestDatabase;
  let broker: TestBroker;
  let camnet: CamnetInstance;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    // A missing browser must fail the suite loudly: skipping would hide that the map is untested.
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: install Debian's Chromium with \`apt-get install -y chromium\` to run the map tests`);
    }
    db = await openTestDatabase({ migrate: false });
    broker = await openTestBroker();
    const config = loadConfig({
      DATABASE_URL: db.url,
      MQTT_URL: broker.url,
      CAMNET_SECRET_KEY: 'ab'.repeat(32),
      CAMNET_BOOTSTRAP_TOKEN: ADMIN_TOKEN,
      CAMNET_ADMIN_PASSWORD: ADMIN.password,
      CAMNET_SEED: 'on',
      CAMNET_SIMULATOR: 'off',
      CAMNET_MONITORING: 'off',
      CAMNET_LOG_LEVEL: 'warn',
      PORT: '0',
      // PGlite's socket server serves one session correctly at a time.
      CAMNET_DB_POOL_SIZE: db.engine === 'pglite' ? '1' : '10',
    });
    camnet = await startCamnet(config);
    // Each launch gets a fresh, throw-away profile: no state leaks between runs.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1400, height: 900 }, baseURL: camnet.url });
    page = await context.newPage();
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console error: ${msg.text()} (${msg.location().url})`);
    });
    page.on('response', (res) => {
      if (res.status() >= 400) problems.push(`HTTP ${res.status()} for ${res.url()}`);
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await camnet?.stop();
    await broker?.close();
    await db?.close();
  });

  const apiGet = async <T>(path: string): Promise<T> => {
    const res = await fetch(camnet.url + path, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  };
  const waitReady = () => page.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: 30_000 });
  /** Centres the map on a place at zoom 18 and clicks it. */
  const clickMapAt = async (spot: { lat: number; lon: number }) => {
    const point = await page.evaluate(({ lat, lon }) => {
      const map = (window as any).camnet.map;
      map.setView([lat, lon], 18, { animate: false });
      const p = map.latLngToContainerPoint([lat, lon]);
      const box = map.getContainer().getBoundingClientRect();
      return { x: box.left + p.x, y: box.top + p.y };
    }, spot);
    await page.mouse.click(point.x, point.y);
  };

  it('signs in and draws the province: boundaries, routes, stations and every camera, with no errors', async () => {
    await page.goto('/');
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
    await page.fill('#login-name', ADMIN.login);
    await page.fill('#login-password', ADMIN.password);
    await page.click('#login-submit');
    await waitReady();

    const counts = await page.evaluate(() => (window as any).camnet.counts());
    expect(counts).toMatchObject({
      districts: 15,
      communes2025: 60,
      communes2019: 192,
      stations: 670,
      roadSigns: 115,
      stationCameras: 1696,
      privateCameras: 22913,
      shownCameras: 24609,
    });
    const routes = await apiGet<unknown[]>('/api/routes');
    expect(routes.length).toBeGreaterThanOrEqual(8);
    expect(counts.routes).toBe(routes.length);
    expect(counts.gaps).toBeGreaterThan(0);
    expect(await page.evaluate(() => (window as any).camnet.loadErrors)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('shows the seed figures in the summary, in Vietnamese and in English', async () => {
    const text = (id: string) => page.textContent(`#${id}`);
    expect(await text('sum-stations')).toBe('670');
    expect(await text('sum-station-cameras')).toBe('1.696');
    expect(await text('sum-total')).toBe('24.609');
    expect(await text('sum-communes')).toBe('112 / 192');
    await page.click('#lang');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await text('sum-station-cameras')).toBe('1,696');
    expect(await text('sum-business')).toBe('17,110');
    expect(await page.textContent('#panel-summary h2')).toBe('Province summary');
    await page.click('#lang');
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
  });

  it('keeps the session over a reload; a cold load reports its payload and settle time', async () => {
    await page.reload();
    await waitReady();
    expect(await page.isVisible('#login')).toBe(false);

    // A cold browser cache with a session already open: what a returning user's first load costs.
    const m = await measureMapLoad(browser, camnet.url, ADMIN);
    problems.push(...m.pageErrors.map((e) => `page error: ${e}`));
    // eslint-disable-next-line no-console
    console.log(`map cold load: ${m.requests} API requests, ${m.transferBytes} bytes transferred (${m.bodyBytes} decoded), settled ${m.settledMs} ms after navigation`);
    // 24,609 cameras cannot arrive in less than a megabyte of JSON: a smaller figure means layers went missing.
    expect(m.bodyBytes).toBeGreaterThan(1_000_000);
    expect(problems).toEqual([]);
  });

  it('recolours a station camera when its status changes, without a reload', async () => {
    const cam = (await apiGet<{ items: Camera[] }>('/api/cameras?ownership=station&limit=1')).items[0];
    const before = await page.evaluate((code) => (window as any).camnet.cameraLayerStatus(code), cam.code);
    expect(before).toMatchObject({ status: cam.status });
    expect(cam.status).not.toBe('offline');
    const offlineBefore = Number((await page.textContent('#sum-status [data-status=offline] b'))!.replace(/\D/g, ''));

    // What the monitoring service does on a confirmed transition: store the state, announce it.
    const at = new Date();
    const [{ id }] = await db.dataSource.query(`SELECT id FROM camera WHERE code = $1`, [cam.code]);
    await db.dataSource.query(`UPDATE camera_state SET status = 'offline', since = $2 WHERE camera_id = $1`, [id, at]);
    camnet.app.get(EventBus).emit('status.changed', {
      subject: 'camera', id, code: cam.code, status: 'offline', previous: cam.status as 'unknown', at, reason: 'test: no answer',
    });

    await page.waitForFunction((code) => (window as any).camnet.cameraLayerStatus(code)?.status === 'offline', cam.code, { timeout: 10_000 });
    expect(await page.evaluate((code) => (window as any).camnet.cameraLayerStatus(code), cam.code)).toMatchObject({ status: 'offline', color: '#d93025' });
    const offlineAfter = Number((await page.textContent('#sum-status [data-status=offline] b'))!.replace(/\D/g, ''));
    expect(offlineAfter).toBe(offlineBefore + 1);
  });

  it('lists in incident mode the cameras that see a clicked place', async () => {
    const cams = (await apiGet<{ items: Camera[] }>('/api/cameras?ownership=station&limit=50')).items;
    const cam = cams[17];
    // A place straight ahead of the camera, at 40 % of its range.
    const spot = destinationPoint(cam.lat, cam.lon, cam.heading_deg, cam.range_m * 0.4);
    await page.click('.modes button[data-mode=incident]');
    await clickMapAt(spot);
    await page.waitForSelector('#incident-point:not(:empty)');
    await page.fill('#incident input[name=caseRef]', 'VV-2025-001');
    await page.click('#incident-search');
    const row = page.locator(`#incident-results tr[data-code="${cam.code}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.getAttribute('data-sees')).toBe('1');
    const seeing = await page.locator('#incident-results tr[data-sees="1"]').count();
    expect(seeing).toBeGreaterThanOrEqual(1);
    // Monitoring is off in this test: no history, so whether it recorded is unknown, and said so.
    expect(await row.getAttribute('data-recorded')).toBe('unknown');
    expect(await page.textContent('#incident-summary')).toMatch(/chưa rõ/);
    // The case file as CSV, from the panel.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#incident-csv')]);
    expect(download.suggestedFilename()).toBe('camnet-VV-2025-001.csv');
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain('case_ref,VV-2025-001\r\n');
    expect(csv).toContain(`${cam.code},station,`);
    expect(problems).toEqual([]);
  });

  // Runs after the recolour test: that camera is the only one not "unknown".
  it('filters the cameras by status and district', async () => {
    await page.click('.modes button[data-mode=view]');
    const shown = () => page.evaluate(() => (window as any).camnet.counts().shownCameras as number);
    await page.uncheck('#filters input[name=f-status][value=unknown]');
    expect(await shown()).toBe(1);
    expect(await page.textContent('#f-shown')).toContain('1');
    // A live status change shows or hides a camera under the filter, and the count follows.
    const other = (await apiGet<{ items: Camera[] }>('/api/cameras?ownership=station&limit=3')).items[2];
    const [{ id }] = await db.dataSource.query(`SELECT id FROM camera WHERE code = $1`, [other.code]);
    const announce = (status: string, previous: string) =>
      camnet.app.get(EventBus).emit('status.changed', { subject: 'camera', id, code: other.code, status: status as 'online', previous: previous as 'unknown', at: new Date(), reason: 'test' });
    announce('online', 'unknown');
    await page.waitForFunction(() => (window as any).camnet.counts().shownCameras === 2, null, { timeout: 10_000 });
    expect(await page.evaluate((code) => (window as any).camnet.cameraLayerStatus(code).shown, other.code)).toBe(true);
    expect(await page.textContent('#f-shown')).toContain('2');
    announce('unknown', 'online');
    await page.waitForFunction(() => (window as any).camnet.counts().shownCameras === 1, null, { timeout: 10_000 });
    expect(await page.textContent('#f-shown')).toContain('1');
    await page.check('#filters input[name=f-status][value=unknown]');
    expect(await shown()).toBe(24609);
    const districts = await apiGet<{ code: string }[]>('/api/admin-units?layout=2019&level=district');
    await page.selectOption('#f-district', districts[0].code);
    const inDistrict = await shown();
    expect(inDistrict).toBeGreaterThan(0);
    expect(inDistrict).toBeLessThan(24609);
    await page.selectOption('#f-district', '');
    expect(await shown()).toBe(24609);
  });

  it('shows a camera\'s details when it is clicked', async () => {
    const cam = (await apiGet<{ items: Camera[] }>('/api/cameras?ownership=station&limit=5')).items[4];
    const spot = destinationPoint(cam.lat, cam.lon, cam.heading_deg, cam.range_m * 0.5);
    await clickMapAt(spot);
    await page.waitForSelector(`#details table.details[data-code="${cam.code}"]`, { timeout: 10_000 });
    // Uptime windows are asked for and filled in (a percentage, or a dash while nothing is known).
    await page.waitForFunction(() => !document.querySelector('#d-up-30d')?.textContent?.includes('…'), null, { timeout: 10_000 });
  });
});
