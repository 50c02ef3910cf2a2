import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { launchChromium } from './browser.js';
import { type RunningCms, startCms } from './harness.js';

export interface ChromiumCms {
  /** A fresh CMS page server and devserver for the running test. */
  readonly cms: RunningCms;
  /** A new browser context (a visitor of its own), closed after the test. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
}

/**
 * The set-up a browser test file needs: one Chromium for the file, a fresh CMS for each test, and
 * every browser context closed after the test that opened it. Call it at the top of the file.
 */
export function useChromiumCms(): ChromiumCms {
  let browser: Browser | undefined;
  let cms: RunningCms | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    cms = await startCms();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
    await cms?.close();
  });

  return {
    get cms() {
      if (!cms) throw new Error('useChromiumCms(): the CMS starts in beforeEach');
      return cms;
    },
    async newContext(options = {}) {
      if (!browser) throw new Error('useChromiumCms(): the browser starts in beforeAll');
      const context = await browser.newContext(options);
      context.setDefaultTimeout(10_000);
      contexts.push(context);
      return context;
    },
  };
}
