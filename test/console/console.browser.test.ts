/**
 * The technician's console in Chromium against the whole service, monitoring on: the
 * incidents panel lists what is down with its reason in the UI's language and picks up
 * a fault set on the simulated camera through the simulator's control API (camnet's
 * own checks find it); a status filter leaves only what matches (stations, commune
 * points), down cameras stand out at every zoom, the legend names everything drawn;
 * a chosen camera is ringed with its details on top; an alert is acknowledged,
 * assigned to a person's account and resolved by hand, and a maintenance window opened
 * and ended, from the map; and it reads on a phone without horizontal scrolling.
 * Screenshots go to docs/ when CAMNET_SCREENSHOTS is set.
 */
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { UserService } from '../../src/auth/user.service';
import { EventBus } from '../../src/common/event-bus';
import { SecretBox } from '../../src/common/secret-box';
import type { SeedCamera } from '../../src/seed/seed.types';
import { RunningSimulator, startSimulator } from '../../src/simulator/simulator';
import { BrowserTest, signIn, startBrowserTest } from '../support/browser';
import { TEST_SECRET_KEY } from '../support/camnet';
import { loadConsoleFixtures } from './console.fixtures';

/** The map signs in people (a session cookie), not tokens: one technician and one admin for the console. */
const PEOPLE = {
  technician: { login: 'console-tech', password: 'mật khẩu kỹ thuật thử nghiệm', name: 'Console technician', role: 'technician' as const },
  admin: { login: 'console-admin', password: 'mật khẩu quản trị thử nghiệm', name: 'Console admin', role: 'admin' as const },
};
type Person = keyof typeof PEOPLE;

/** ST-A-C2 of the fixtures, served by the simulated fleet: camnet checks it over ONVIF every POLL_S seconds. */
const POLL_S = 2;
const SIMULATED: SeedCamera = {
  code: 'ST-A-C2',
  stationCode: 'ST-A',
  ownership: 'station',
  communeCode: '30001',
  communeCode2025: null,
  lat: 10.6,
  lon: 106.4,
  headingDeg: 90,
  fovDeg: 60,
  rangeM: 50,
  ptz: false,
  onvifUrl: null,
  onvifUser: 'admin',
  onvifPassword: 'mật khẩu camera mô phỏng',
  vendor: 'Hikvision',
  model: 'DS-2CD2043G2-I',
  ownerName: null,
  ownerPhone: null,
  registeredOn: null,
};

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
  let t: BrowserTest;
  let sim: RunningSimulator;
  const problems: string[] = [];

  const open = async (viewport: { width: number; height: number }, who: Person = 'admin'): Promise<Page> => {
    const page = await t.newPage({ viewport, locale: 'vi-VN' });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    await page.goto('/');
    await signIn(page, PEOPLE[who]);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 60_000 });
    await page.waitForSelector('#console .console-item', { timeout: 30_000 });
    return page;
  };
  const items = (page: Page) =>
    page.$$eval('#console .console-item', (els) => els.map((e) => `${e.getAttribute('data-code')}|${e.querySelector('.console-reason')?.textContent}`));

  /** Sets (or with null clears) a fault on a simulated camera, as a tester would with the simulator's control API. */
  const simFault = async (code: string, body: Record<string, unknown> | null) => {
    const url = `${sim.baseUrl}/sim/devices/${code}/faults`;
    const res = await fetch(
      url,
      body === null ? { method: 'DELETE' } : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    );
    if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  };
  const stateOf = async (code: string) =>
    (
      await t.db.dataSource.query(`SELECT cs.status, cs.reason, cs.last_ok_at FROM camera_state cs JOIN camera c ON c.id = cs.camera_id WHERE c.code = $1`, [
        code,
      ])
    )[0];

  beforeAll(async () => {
    t = await startBrowserTest({
      seed: false,
      env: {
        // camnet's own checks find the simulated fault; the fixtures' other cameras are not due before 2030.
        CAMNET_MONITORING: 'on',
        CAMNET_POLL_INTERVAL_S: String(POLL_S),
        // Generous: the machine may be shared, and a slow answer must not pass for the fault.
        CAMNET_PROBE_TIMEOUT_MS: '4000',
        // The fixtures' stations have no MQTT agent: they must not fall "silent" during the test.
        CAMNET_STATION_SILENT_S: '86400',
        CAMNET_VIEW_INTERVAL_S: '86400',
      },
    });
    await loadConsoleFixtures(t.db.dataSource);
    const q = (sql: string, params: unknown[] = []) => t.db.dataSource.query(sql, params);
    // Places for the commune points (30003 has no station), and a station whose camera works, to compare with.
    await q(`UPDATE admin_unit SET lat = 10.60, lon = 106.40 WHERE code = '30001'`);
    await q(`UPDATE admin_unit SET lat = 10.70, lon = 106.50 WHERE code = '30002'`);
    await q(`UPDATE admin_unit SET lat = 10.65, lon = 106.45 WHERE code = '30003'`);
    await q(`INSERT INTO station (code, name, commune_code, lat, lon) VALUES ('ST-C', 'Trạm C', '30001', 10.62, 106.42)`);
    await q(`INSERT INTO camera (code, station_id, ownership, commune_code, lat, lon, heading_deg, fov_deg, range_m)
             VALUES ('ST-C-C1', (SELECT id FROM station WHERE code = 'ST-C'), 'station', '30001', 10.62, 106.42, 180, 60, 50)`);
    await q(`INSERT INTO camera_state (camera_id, status, since) SELECT id, 'online', '2026-12-01T00:00:00Z' FROM camera WHERE code = 'ST-C-C1'`);
    await q(`INSERT INTO station_state (station_id, status, since) SELECT id, 'online', '2026-12-01T00:00:00Z' FROM station WHERE code = 'ST-C'`);
    const users = t.camnet.app.get(UserService);
    for (const person of Object.values(PEOPLE)) await users.create(person);
    // A status history for the availability chart.
    await q(
      `INSERT INTO status_event (subject, subject_id, at, status, source) SELECT 'camera', id, now() - interval '3 days', 'online', 'onvif' FROM camera WHERE code = 'ST-A-C3'`,
    );

    // ST-A-C2 is answered by the simulated fleet from now on, and due for a check at once.
    sim = await startSimulator({ cameras: [SIMULATED], stations: [], port: 0, mqttUrl: null, logger: { log: () => undefined, warn: () => undefined } });
    await q(`UPDATE camera SET onvif_url = $2, onvif_user = $3, onvif_secret_enc = $4 WHERE code = $1`, [
      SIMULATED.code,
      `${sim.baseUrl}/onvif/${SIMULATED.code}/device_service`,
      SIMULATED.onvifUser,
      new SecretBox(TEST_SECRET_KEY).encrypt(SIMULATED.onvifPassword!),
    ]);
    await q(`UPDATE probe_schedule SET next_at = now(), interval_s = $2 WHERE camera_id = (SELECT id FROM camera WHERE code = $1)`, [SIMULATED.code, POLL_S]);
    // The fixtures were written behind camnet's back: say so as an import would, so the map's kept answers (made at start) are made again.
    const bus = t.camnet.app.get(EventBus);
    bus.emit('inventory.changed', { at: new Date(), what: 'station' });
    bus.emit('inventory.changed', { at: new Date(), what: 'camera' });
    // camnet reaches it before the fault: otherwise the fault below would prove nothing.
    const reached = await waitFor('ST-A-C2 checked through the simulator', async () => (await stateOf(SIMULATED.code)).last_ok_at !== null, 60_000);
    expect(reached).toBe(true);
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });

  /** Leaves only `status` ticked in the filter panel (all of them when null), as a technician would. */
  const filterStatus = async (page: Page, status: string | null) => {
    for (const st of ['online', 'offline', 'degraded', 'maintenance', 'unknown']) {
      const box = `#filters input[name=f-status][value=${st}]`;
      if (status === null || st === status) await page.check(box);
      else await page.uncheck(box);
    }
  };
  interface Drawn {
    stations: Record<string, { shown: boolean; radius: number; fill: string }>;
    communePointsOnMap: boolean;
    communePointsShown: number;
    communePoints: { code: string; has: boolean; fill: string; edge: string }[];
    dots: Record<'down' | 'working', { radius: number; edge: string }>;
  }
  /** What the map draws now: stations and commune points shown, and how stations and cameras are styled. */
  const drawn = (page: Page): Promise<Drawn> =>
    page.evaluate(() => {
      const { map, layers } = (window as any).camnet;
      const stations = Object.fromEntries(
        [...layers.stations.values()].map((s: any) => [
          s.station.code,
          { shown: layers.groups.stations.hasLayer(s.marker), radius: s.marker.getRadius(), fill: s.marker.options.fillColor },
        ]),
      );
      const communePoints = layers.communePoints.map((p: any) => ({
        code: p.code,
        has: p.marker.options.hasStations,
        fill: p.marker.options.fillColor,
        edge: p.marker.options.color,
      }));
      const dot = (code: string) => {
        const d = layers.cameras.get(code).dot;
        return { radius: d.getRadius(), edge: d.options.color };
      };
      return {
        stations,
        communePointsOnMap: map.hasLayer(layers.groups.communes2019),
        communePointsShown: layers.groups.communes2019.getLayers().length,
        communePoints,
        dots: { down: dot('ST-A-C1'), working: dot('ST-C-C1') },
      };
    });

  /** Under a status filter only what matches stays; down cameras stand out at every zoom; the legend names all of it. */
  const checkFilterAndEmphasis = async (page: Page) => {
    const all = await drawn(page);
    expect(Object.values(all.stations).every((s) => s.shown)).toBe(true);
    expect(all.communePointsOnMap).toBe(true);
    expect(all.communePointsShown).toBe(3);
    // Commune points are diamonds in colours no status uses; those without a station are not the "degraded" orange.
    const without = all.communePoints.find((p) => p.code === '30003')!;
    expect(without.has).toBe(false);
    for (const p of all.communePoints) expect(['#f0a020', '#2e9e44', '#d93025', '#1a73e8', '#9aa0a6', '#ffb74d']).not.toContain(p.fill);
    expect(without.fill).not.toBe(all.communePoints.find((p) => p.code === '30001')!.fill);

    // "degraded" only: ST-A (ST-A-C3 is turned) stays; ST-B and ST-C, and every commune point, go.
    await filterStatus(page, 'degraded');
    let f = await drawn(page);
    expect(
      Object.entries(f.stations)
        .filter(([, s]) => s.shown)
        .map(([code]) => code),
    ).toEqual(['ST-A']);
    expect(f.communePointsOnMap).toBe(false);
    await filterStatus(page, 'maintenance');
    f = await drawn(page);
    expect(Object.values(f.stations).filter((s) => s.shown)).toEqual([]);
    // "offline": the stations with an offline camera.
    await filterStatus(page, 'offline');
    f = await drawn(page);
    expect(
      Object.entries(f.stations)
        .filter(([, s]) => s.shown)
        .map(([code]) => code)
        .sort(),
    ).toEqual(['ST-A', 'ST-B']);
    // The layer control brings the commune points back when the technician asks for them.
    await page.hover('.leaflet-control-layers');
    await page.click('.leaflet-control-layers-overlays label:has-text("Xã (2019, điểm)") input');
    f = await drawn(page);
    expect(f.communePointsOnMap).toBe(true);
    await page.mouse.move(5, 5);

    // At province zoom a station stands for its cameras: one with a camera down is bigger than one whose cameras all work.
    await filterStatus(page, null);
    await page.evaluate(() => (window as any).camnet.map.setView([10.62, 106.42], 10, { animate: false }));
    f = await drawn(page);
    expect(f.stations['ST-A'].radius).toBeGreaterThan(f.stations['ST-C'].radius * 2);
    expect(f.stations['ST-A'].fill).toBe('#d93025');
    expect(f.stations['ST-C'].fill).toBe('#2e9e44');
    // Zoomed in, a down camera's dot is bigger with a dark edge.
    await page.evaluate(() => (window as any).camnet.map.setView([10.62, 106.42], 13, { animate: false }));
    f = await drawn(page);
    expect(f.dots.down.radius).toBeGreaterThan(f.dots.working.radius);
    expect(f.dots.down.edge).not.toBe(f.dots.working.edge);

    // The legend names everything the map draws.
    const legend = await page.$$eval('.legend [data-legend]', (els) => els.map((e) => e.getAttribute('data-legend')));
    expect(legend).toEqual(
      expect.arrayContaining([
        'status-offline',
        'status-degraded',
        'down',
        'chosen',
        'station',
        'station-down',
        'commune-with',
        'commune-without',
        'area-with',
        'area-without',
        'route',
        'gap',
        'road-sign',
        'proposal',
        'proposal-view',
        'incident-point',
        'incident-recorded',
        'incident-unknown',
        'incident-not-recorded',
        'incident-not-seen',
      ]),
    );
    expect(await page.textContent('.legend')).toContain('Xã chưa có trạm');
  };

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
    // A fault set on the simulated camera: camnet's checks find it (two agreeing checks), and the list shows it live, without a reload.
    expect((await stateOf('ST-A-C2')).status).toBe('online');
    await simFault('ST-A-C2', { kind: 'offline' });
    await waitFor('ST-A-C2 listed as offline', async () => (await items(page)).includes('ST-A-C2|Mất kết nối (bị từ chối)'), 60_000).catch(async (err) => {
      throw new Error(`${err.message}; listed: ${JSON.stringify(await items(page))}; state: ${JSON.stringify(await stateOf('ST-A-C2'))}`);
    });
    expect(await stateOf('ST-A-C2')).toMatchObject({ status: 'offline', reason: 'unreachable' });
    const [opened] = await t.db.dataSource.query(`SELECT kind FROM alert WHERE subject = 'camera:ST-A-C2' AND resolved_at IS NULL`);
    expect(opened).toEqual({ kind: 'offline' });
    // The new alert arrives live in the summary, in words: its kind translated and the camera's code, not "camera:…".
    const newAlert = await page.waitForSelector('#sum-alerts li:has-text("ST-A-C2")', { state: 'attached' });
    expect(await newAlert.textContent()).toMatch(/mất kết nối · ST-A-C2 \(chưa xử lý\)$/);
    if (SCREENSHOTS) await page.screenshot({ path: path.join(SCREENSHOTS, 'console-desktop.png') });
    await checkFilterAndEmphasis(page);
    await page.context().close();
  }, 120_000);

  it('acknowledges an alert, assigns it to a person, opens a maintenance window and ends it, from the map', async () => {
    const page = await open({ width: 1400, height: 900 });
    // Scrolled down the side panel, the technician picks a camera from the list: its details open at the top, and it is ringed on the map.
    await page.$eval('#side', (el) => (el.scrollTop = el.scrollHeight));
    await page.click('#console .console-item[data-code="ST-A-C3"]');
    await page.waitForSelector('.console-selected[data-code="ST-A-C3"] [data-action="ack"]');
    await page.waitForSelector('#details table.details[data-code="ST-A-C3"]');
    const top = await page.evaluate(() => ({
      scrolled: document.querySelector('#side')!.scrollTop,
      detailsTop: document.querySelector('#details table.details')!.getBoundingClientRect().top,
      ringed: (window as any).camnet.layers.highlighted?.code,
      ringOnMap: (window as any).camnet.map.hasLayer((window as any).camnet.layers.highlightRing),
    }));
    expect(top).toEqual({ scrolled: 0, detailsTop: expect.any(Number), ringed: 'ST-A-C3', ringOnMap: true });
    expect(top.detailsTop).toBeLessThan(200);
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

    // Assigned to the technician's account, chosen by name from the people who work alerts.
    await page.waitForSelector('#console-assignee option[value="console-tech"]', { state: 'attached' });
    await page.selectOption('#console-assignee', 'console-tech');
    await page.click('[data-action="assign"]');
    await page.waitForSelector('.console-assignee[data-login="console-tech"]');
    expect(await page.textContent('.console-assignee')).toContain(PEOPLE.technician.name);
    const [assigned] = await t.db.dataSource.query(`SELECT a.assignee, u.name FROM alert a JOIN app_user u ON u.id = a.assignee_user_id WHERE a.id = $1`, [
      alert.id,
    ]);
    expect(assigned).toEqual({ assignee: 'console-tech', name: PEOPLE.technician.name });

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

  it('resolves an alert by hand with a note, in Vietnamese and in English', async () => {
    const page = await open({ width: 1400, height: 900 }, 'technician');
    await page.click('#console .console-item[data-code="ST-A-C1"]');
    await page.waitForSelector('.console-selected[data-code="ST-A-C1"] [data-action="resolve"]');
    // The buttons speak the reader's language.
    await page.click('#lang');
    await page.waitForSelector('[data-action="resolve"]:has-text("Resolve")');
    expect(await page.textContent('[data-action="assign"]')).toBe('Assign');
    await page.click('#lang');
    await page.waitForSelector('[data-action="resolve"]:has-text("Đã xử lý xong")');
    // Without a note saying what was done, nothing is sent.
    await page.click('[data-action="resolve"]');
    await page.waitForSelector('.console-message:has-text("Ghi rõ việc đã làm")');
    const [stillOpen] = await t.db.dataSource.query(`SELECT id, resolved_at FROM alert WHERE subject = 'camera:ST-A-C1' ORDER BY id DESC LIMIT 1`);
    expect(stillOpen.resolved_at).toBeNull();
    // An assignee the API refuses is said in the reader's words, from its error code.
    await page.evaluate(() => {
      const select = document.querySelector('#console-assignee') as HTMLSelectElement;
      select.add(new Option('nobody', 'khong.co.ai'));
      select.value = 'khong.co.ai';
    });
    await page.click('[data-action="assign"]');
    await page.waitForSelector('.console-message:has-text("Không có tài khoản")');
    await page.fill('#console-note', 'đã thay dây mạng');
    await page.click('[data-action="resolve"]');
    const [resolved] = await waitFor('alert resolved', async () => {
      const rows = await t.db.dataSource.query(`SELECT resolved_by FROM alert WHERE id = $1 AND resolved_at IS NOT NULL`, [stillOpen.id]);
      return rows.length ? rows : null;
    });
    expect(resolved.resolved_by).toBe(PEOPLE.technician.name);
    const one = await t.as('admin').get(`/api/alerts/${stillOpen.id}`).expect(200);
    expect(one.body.history.at(-1)).toMatchObject({ action: 'resolved', by: PEOPLE.technician.name, note: 'đã thay dây mạng' });
    await page.waitForSelector('.console-message:has-text("Đã đóng cảnh báo")');
    await page.context().close();
  }, 120_000);

  it('shows the incidents list on a phone without horizontal scrolling, nearest first from the browser’s position', async () => {
    const page = await t.newPage({
      viewport: { width: 390, height: 844 },
      geolocation: { latitude: 10.7, longitude: 106.5 },
      permissions: ['geolocation'],
    });
    const context = page.context();
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    await page.goto('/');
    await signIn(page, PEOPLE.technician);
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
