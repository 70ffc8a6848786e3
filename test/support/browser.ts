/**
 * camnet with Debian's Chromium for the browser tests: the whole service as
 * startTestCamnet starts it, Chromium driven by playwright-core with a throw-away
 * profile per launch, a page per person (its own cookies) and the map's sign-in form;
 * close() ends Chromium, then camnet. A missing Chromium fails the test file, saying
 * how to install it: skipping would hide that the pages are untested.
 */
import * as fs from 'node:fs';
import { Browser, BrowserContextOptions, chromium, Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../../bench/map.measure';
import { startTestCamnet, TestCamnet, TestCamnetOptions } from './camnet';

export interface BrowserTest extends TestCamnet {
  browser: Browser;
  /** A page in a browser context of its own (its own session cookie) on camnet; options override the context's. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
}

export async function startBrowserTest(options: TestCamnetOptions = {}): Promise<BrowserTest> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's Chromium with \`apt-get install -y chromium\``);
  const t = await startTestCamnet(options);
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  } catch (err) {
    await t.close();
    throw err;
  }
  return {
    ...t,
    browser,
    async newPage(contextOptions = {}) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, baseURL: t.url, ...contextOptions });
      return context.newPage();
    },
    async close() {
      await browser.close();
      await t.close();
    },
  };
}

/** Fills the map's sign-in form as this person and submits it (the page shows the form). */
export async function signIn(page: Page, person: { login: string; password: string }): Promise<void> {
  await page.fill('#login-name', person.login);
  await page.fill('#login-password', person.password);
  await page.click('#login-submit');
}
