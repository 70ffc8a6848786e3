/**
 * The planner's panel in a real browser against the whole service with the Long
 * An seed: the renamed coverage columns, a budget below one station refused in
 * Vietnamese with the cost of a station, a communes_first proposal drawn as
 * numbered markers, and the CSV export downloaded with its BOM.
 */
import * as fs from 'node:fs';
import type { Page } from 'playwright-core';
import { BrowserTest, signIn, startBrowserTest } from '../support/browser';

/** The map signs in as a person: the first admin, with the password given in the configuration. */
const ADMIN = { login: 'admin', password: 'mật khẩu quản trị thử' };

describe("the planner's panel in Chromium", () => {
  let t: BrowserTest;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    t = await startBrowserTest({ seed: true, env: { CAMNET_ADMIN_PASSWORD: ADMIN.password } });
    page = await t.newPage({ acceptDownloads: true });
    page.on('pageerror', (err) => pageErrors.push(err.message));
  }, 180_000);

  afterAll(async () => {
    await t?.close();
  });

  it('proposes, draws numbered stations, explains a too-small budget and exports CSV', async () => {
    await page.goto('/');
    await signIn(page, ADMIN);
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
