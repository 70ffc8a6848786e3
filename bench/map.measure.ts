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
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto('/');
    await page.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: 60_000 });
    const m = await page.evaluate(() => {
      const api = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((e) => e.name.includes('/api/'));
      return {
        settledMs: (window as unknown as { camnet: { settledMs: number } }).camnet.settledMs,
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
