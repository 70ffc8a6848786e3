/**
 * The camera panel's picture section (web/view-panel.js) in Chromium, against camnet
 * watching a simulated station (its cameras' snapshots served by the simulator): a
 * technician opens a station camera and sees its reference and current views; a cover
 * put on the lens through the simulator's control API shows up as a blocked picture with
 * its reason, in the panel and in the incidents list; once the camera is "fixed" the
 * technician makes the current view the new reference from the panel. A screenshot of
 * the blocked camera's panel goes to docs/ when CAMNET_SCREENSHOTS is set.
 */
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { UserService } from '../../src/auth/user.service';
import { Fleet, openFleet, SECRET_KEY, simFault } from '../monitoring/monitoring.harness';
import { BrowserTest, signIn, startBrowserTest } from '../support/browser';

jest.setTimeout(300_000);

const SCREENSHOTS = process.env.CAMNET_SCREENSHOTS ? path.join(__dirname, '../../docs') : null;

const TECHNICIAN = { login: 'view-tech', password: 'mật khẩu kỹ thuật hình ảnh', name: 'View technician', role: 'technician' as const };

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('the picture section of the camera panel in Chromium', () => {
  let fleet: Fleet;
  let t: BrowserTest;
  let code: string;
  const problems: string[] = [];

  /** The camera's view as the API gives it (read with the technician's session of the page). */
  const viewOf = (page: Page) => page.evaluate(async (c) => (await fetch(`/api/cameras/${c}/view`, { credentials: 'same-origin' })).json(), code);
  const openPanel = async (page: Page) => {
    // As a click on its marker does (markers may be clustered at the province's zoom).
    await page.evaluate((c) => {
      const layers = (window as any).camnet.layers;
      layers.onCameraClick(layers.cameras.get(c));
    }, code);
  };

  beforeAll(async () => {
    fleet = await openFleet({ stations: 1 });
    code = fleet.cameras.find((c) => c.ownership === 'station' && !c.ptz)!.code;
    t = await startBrowserTest({
      on: { db: fleet.db, brokerUrl: fleet.broker.url },
      env: {
        CAMNET_SECRET_KEY: SECRET_KEY,
        CAMNET_MONITORING: 'on',
        // Generous: the machine these tests run on may be shared; a camera that times out goes offline, where view faults wait.
        CAMNET_POLL_INTERVAL_S: '5',
        CAMNET_PROBE_TIMEOUT_MS: '10000',
        CAMNET_VIEW_INTERVAL_S: '2',
        CAMNET_DB_POOL_SIZE: fleet.db.engine === 'pglite' ? '1' : '4',
      },
    });
    await t.camnet.app.get(UserService).create(TECHNICIAN);
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    await fleet?.close();
  });

  it('shows the reference and current views, a cover with its reason, and takes a new reference from the technician', async () => {
    const page = await t.newPage({ locale: 'vi-VN' });
    const context = page.context();
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('dialog', (d) => void d.accept());
    await page.goto('/');
    await signIn(page, TECHNICIAN);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 60_000 });

    // camnet's view loop takes the first snapshots; the first good one becomes the reference.
    const first = await until('a first good view with its reference', async () => {
      const v = await viewOf(page);
      return v.state === 'ok' && v.reference_at ? v : null;
    });
    await openPanel(page);
    await page.waitForSelector('#d-view-state[data-state="ok"]', { timeout: 30_000 });
    expect(await page.textContent('#d-view-state')).toBe('tốt');
    // Both pictures are real JPEGs the browser decoded, about 320 px wide.
    const widths = await page.$$eval('#d-view-reference, #d-view-current', (imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth));
    expect(widths).toEqual([320, 320]);

    // A cover over 60 % of the lens: blocked once two snapshots in a row see it.
    await simFault(fleet, 'devices', code, { kind: 'cover', share: 0.6 });
    const blocked = await until('the view blocked', async () => {
      const v = await viewOf(page);
      return v.state === 'blocked' && v.reason === 'view_blocked' ? v : null;
    });
    expect(blocked.metrics.blocked_kind).toMatch(/partial|complete/);
    await openPanel(page);
    await page.waitForSelector('#d-view-state[data-state="blocked"]', { timeout: 30_000 });
    const section = await page.textContent('#d-view');
    expect(section).toContain('bị che');
    expect(section).toMatch(/che \d+%/);
    expect(await page.textContent('#d-view-reason')).toBe('view_blocked');
    // The incidents list names the fault in Vietnamese, like any other reason.
    await page.waitForSelector(`#console .console-item[data-code="${code}"]`, { timeout: 30_000 });
    expect(await page.textContent(`#console .console-item[data-code="${code}"] .console-reason`)).toBe('Hình ảnh bị che');
    if (SCREENSHOTS) await page.screenshot({ path: path.join(SCREENSHOTS, 'view-panel-blocked.png') });

    // The camera is fixed (the cover comes off) and re-aimed a little: the technician takes the current view as the reference.
    await simFault(fleet, 'devices', code, null);
    await simFault(fleet, 'devices', code, { kind: 'shift', degrees: 3 });
    await openPanel(page);
    await page.waitForSelector('#d-view-set-reference', { timeout: 30_000 });
    await page.click('#d-view-set-reference');
    const reset = await until('a new reference, taken by the technician', async () => {
      const v = await viewOf(page);
      return v.reference_at && Date.parse(v.reference_at) > Date.parse(first.reference_at) && v.state === 'ok' ? v : null;
    });
    expect(reset.reason).toBeNull();
    await page.waitForSelector('#d-view-state[data-state="ok"]', { timeout: 30_000 });
    const audit = await fleet.db.dataSource.query(
      `SELECT role, target, outcome FROM audit_log WHERE action = 'camera.view.reference.set' ORDER BY id DESC LIMIT 1`,
    );
    expect(audit[0]).toMatchObject({ role: 'technician', outcome: 'ok' });
    expect(audit[0].target).toContain(code);
    expect(problems).toEqual([]);
    await context.close();
  });
});
