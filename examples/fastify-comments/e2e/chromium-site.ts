import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { launchChromium } from './browser.js';
import { type RunningSite, startSite } from './harness.js';

export interface ChromiumSite {
  /** The Chromium this test file shares. */
  readonly browser: Browser;
  /** A fresh site (app and devserver) for the running test. */
  readonly site: RunningSite;
  /** A page in a new browser context (a visitor of its own), closed after the test. */
  newPage(options?: { javaScriptEnabled?: boolean }): Promise<Page>;
}

/**
 * The set-up a browser test file needs: one Chromium for the file, a fresh site for each test, and
 * every browser context closed after the test that opened it. Call it at the top of the file.
 */
export function useChromiumSite(): ChromiumSite {
  let browser: Browser | undefined;
  let site: RunningSite | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    site = await startSite();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
    await site?.close();
  });

  return {
    get browser() {
      if (!browser) throw new Error('useChromiumSite(): the browser starts in beforeAll');
      return browser;
    },
    get site() {
      if (!site) throw new Error('useChromiumSite(): the site starts in beforeEach');
      return site;
    },
    async newPage(options = {}) {
      const context = await this.browser.newContext(options);
      context.setDefaultTimeout(10_000);
      contexts.push(context);
      return context.newPage();
    },
  };
}

/** Waits until `<ct-protected-form>` is defined and has the detector's token (its `ready` promise). */
export async function widgetReady(page: Page): Promise<void> {
  await page.waitForFunction(() => customElements.get('ct-protected-form') !== undefined);
  await page.evaluate(
    () => document.querySelector<HTMLElement & { ready: Promise<void> }>('ct-protected-form')?.ready,
  );
}
