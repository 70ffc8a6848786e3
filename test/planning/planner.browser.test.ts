/**
 * The planner's panel in a real browser against the whole service with the Long
 * An seed: the renamed coverage columns, a budget below one station refused in
 * Vietnamese with the cost of a station, a communes_first proposal drawn as
 * numbered markers, and the CSV export downloaded with its BOM.
 */
import * as fs from 'node:fs';
import { Browser, chromium, Page } from 'playwright-core';
import { CamnetInstance, startCamnet } from '../../src/bootstrap';
import { loadConfig } from '../../src/config/config';
import { openTestDatabase, TestDatabase } from '../support/database';
import { openTestBroker, TestBroker } from '../support/mqtt-broker';
import { CHROMIUM, CHROMIUM_ARGS } from '../../bench/map.measure';

/** The map signs in as a person: the first admin, with the password given in the configuration. */
const ADMIN = { login: 'admin', password: 'mật khẩu quản trị thử' };

describe("the planner's panel in Chromium", () => {
  let db: TestDatabase;
  let broker: TestBroker;
  let camnet: CamnetInstance;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's Chromium with \`apt-get install -y chromium\``);
    db = await openTestDatabase({ migrate: false });
    broker = await openTestBroker();
    camnet = await startCamnet(
      loadConfig({
        DATABASE_URL: db.url,
        MQTT_URL: broker.url,
        CAMNET_SECRET_KEY: 'cd'.repeat(32),
        CAMNET_ADMIN_PASSWORD: ADMIN.password,
        CAMNET_SEED: 'on',
        CAMNET_SIMULATOR: 'off',
        CAMNET_MONITORING: 'off',
        CAMNET_LOG_LEVEL: 'warn',
        PORT: '0',
        CAMNET_DB_POOL_SIZE: db.engine === 'pglite' ? '1' : '10',
      }),
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, baseURL: camnet.url, acceptDownloads: true });
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await camnet?.stop();
    await broker?.close();
    await db?.close();
  });

  it('proposes, draws numbered stations, explains a too-small budget and exports CSV', async () => {
    await page.goto('/');
    await page.fill('#login-name', ADMIN.login);
    await page.fill('#login-password', ADMIN.password);
    await page.click('#login-submit');
    await page.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: 60_000 });
    await page.click('button[data-mode="planner"]');
    const headers = await page.locator('#planner-routes thead th').allTextContents();
    expect(headers).toEqual(expect.arrayContaining(['Camera giám sát trực tuyến', 'Camera tư nhân đăng ký']));
    expect(headers).not.toContain('Đang hoạt động');

    // Any amount of VND, not only multiples of the input's step.
    await page.fill('#planner-budget', '1000000');
    await page.click('#planner-propose');
    await page.waitForSelector('#planner-error', { timeout: 30_000 });
    const error = await page.textContent('#planner-error');
    expect(error).toMatch(/^Ngân sách 1\.000\.000 đ.* thấp hơn chi phí một trạm \(\d{1,3}(\.\d{3})+/);

    await page.fill('#planner-budget', '500000000');
    await page.selectOption('#planner-objective', 'communes_first');
    await page.click('#planner-propose');
    await page.waitForSelector('#planner-result', { timeout: 60_000 });
    const items = await page.locator('ol.proposals li').count();
    expect(items).toBeGreaterThan(10);
    // One numbered marker per station on the map, numbered from 1.
    const numbers = await page.locator('.proposal-number span').allTextContents();
    expect(numbers.length).toBe(items);
    expect(numbers.slice(0, 3)).toEqual(['1', '2', '3']);
    expect(await page.textContent('#planner-reached')).toMatch(new RegExp(`Đến được ${items} trong 80 xã chưa có trạm`));

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#planner-export-csv')]);
    const bytes = fs.readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(
      bytes
        .toString('utf8')
        .split('\r\n')
        .filter((l) => l !== ''),
    ).toHaveLength(items + 1);
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
