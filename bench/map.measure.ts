/**
 * A cold load of the map in Chromium with a session already open (a returning
 * user's first visit): API requests, bytes over the wire and decoded, and the time
 * from navigation to `body[data-ready="1"]`. Shared by the geo benchmark and the
 * map's browser test.
 */
import type { Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface MapLoad {
  settledMs: number;
  /** When the first load's steps were done, ms from navigation: the page's marks (camnet:…) and the last API answer's end. */
  phases: Record<string, number>;
  requests: number;
  transferBytes: number;
  bodyBytes: number;
  /** Every API request of the load, ms from navigation, in the order they ended: which one the load waited for. */
  timeline: { path: string; start: number; end: number }[];
  /** The page's main-thread tasks over 50 ms before it settled (Chromium's long tasks): total ms and the longest. */
  longTasksMs: number;
  longestTaskMs: number;
  /** The navigation's start, ms since the epoch: where the service's own clock meets the page's. */
  timeOrigin: number;
  pageErrors: string[];
}

export interface Credentials {
  login: string;
  password: string;
}

export async function measureMapLoad(browser: Browser, baseURL: string, credentials: Credentials): Promise<MapLoad> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, baseURL });
  try {
    // The context's request client shares its cookie jar: the page starts with the session cookie.
    const login = await context.request.post('/api/auth/login', { data: credentials });
    if (!login.ok()) throw new Error(`login as ${credentials.login} answered ${login.status()}: ${await login.text()}`);
    const page = await context.newPage();
    // Long tasks are only seen by an observer made before they run.
    await page.addInitScript(() => {
      const tasks: number[] = [];
      (window as unknown as { camnetLongTasks: number[] }).camnetLongTasks = tasks;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries())
          if (e.startTime < ((window as unknown as { camnet?: { settledMs: number | null } }).camnet?.settledMs ?? Infinity)) tasks.push(e.duration);
      }).observe({ type: 'longtask' });
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto('/');
    await page.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: 60_000 });
    const m = await page.evaluate(() => {
      const api = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((e) => e.name.includes('/api/'));
      const tasks = (window as unknown as { camnetLongTasks: number[] }).camnetLongTasks;
      return {
        settledMs: (window as unknown as { camnet: { settledMs: number } }).camnet.settledMs,
        timeline: api
          .map((e) => ({ path: new URL(e.name).pathname + new URL(e.name).search, start: Math.round(e.startTime), end: Math.round(e.responseEnd) }))
          .sort((a, b) => a.end - b.end),
        longTasksMs: Math.round(tasks.reduce((sum, d) => sum + d, 0)),
        longestTaskMs: Math.round(Math.max(0, ...tasks)),
        timeOrigin: performance.timeOrigin,
        requests: api.length,
        transferBytes: api.reduce((sum, e) => sum + e.transferSize, 0),
        bodyBytes: api.reduce((sum, e) => sum + e.decodedBodySize, 0),
        phases: {
          ...Object.fromEntries(
            performance
              .getEntriesByType('mark')
              .filter((m) => m.name.startsWith('camnet:'))
              .map((m) => [m.name.slice(7), Math.round(m.startTime)]),
          ),
          api_first_start: Math.round(Math.min(...api.map((e) => e.startTime))),
          api_last_end: Math.round(Math.max(...api.map((e) => e.responseEnd))),
        },
      };
    });
    return { ...m, pageErrors };
  } finally {
    await context.close();
  }
}
