import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { DEFAULT_AUTH_KEY, type DevServer, startDevServer } from '@ct-protected-form/devserver';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from '../../../scripts/chromium.mjs';
import { freePort, ROUTES, START_TOKEN_SECRET, startApp } from '../../../scripts/quick-start-checks.mjs';

/**
 * How long the visitor stays on the page before sending: a person takes longer than this to fill
 * the form, and a start token must be older than the minimum age the verifier accepts.
 */
const SECONDS_ON_PAGE = 4;

const here = new URL('../', import.meta.url);
const widgetBuild = createRequire(import.meta.url).resolve('@ct-protected-form/widget/standalone');

let browser: Browser;
let devserver: DevServer;
let app: Awaited<ReturnType<typeof startApp>>;
let origin: string;

beforeAll(async () => {
  devserver = await startDevServer();
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  app = await startApp({
    command: process.execPath,
    args: ['fastify.js'],
    cwd: here.pathname,
    port,
    startTokenPath: ROUTES.server.startToken,
    env: {
      CLEANTALK_AUTH_KEY: DEFAULT_AUTH_KEY,
      CLEANTALK_ENDPOINT: devserver.apiUrl,
      CLEANTALK_DATABASE_ENDPOINT: devserver.databaseUrl,
      START_TOKEN_SECRET,
    },
  });
  browser = await chromium.launch(chromiumLaunchOptions());
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await devserver?.close();
});

describe('the page quick start', () => {
  it('loads the pinned script-tag build (its integrity hash matches), and a message sent from it is accepted', async () => {
    const context = await browser.newContext();
    context.setDefaultTimeout(15_000);
    // The page as the app would serve it; the CDN and CleanTalk's detector as local stand-ins.
    await context.route(`${origin}/page.html`, async (route) =>
      route.fulfill({ contentType: 'text/html', body: await readFile(new URL('page.html', here), 'utf8') }),
    );
    let cdnRequests = 0;
    await context.route('https://unpkg.com/**', async (route) => {
      cdnRequests++;
      await route.fulfill({
        contentType: 'application/javascript',
        headers: { 'access-control-allow-origin': '*' },
        body: await readFile(widgetBuild),
      });
    });
    await context.route('https://fd.cleantalk.org/**', async (route) => {
      const url = new URL(route.request().url());
      const response = await route.fetch({ url: `${devserver.url}${url.pathname}${url.search}` });
      await route.fulfill({ response });
    });
    const page = await context.newPage();
    const tokenFetched = page.waitForResponse(`${origin}${ROUTES.server.startToken}`);
    await page.goto(`${origin}/page.html`);
    expect((await tokenFetched).status()).toBe(200);
    // Counted from the token's arrival, not from opening the page: on a loaded machine the token
    // may come a second late, and a token younger than the minimum age is rightly refused.
    const tokenArrived = Date.now();
    // The (stand-in) bot detector has run once its token is in the form.
    await page.waitForFunction(
      () =>
        document.querySelector<HTMLInputElement>('input[name="ct_bot_detector_event_token"]')?.value
          .length === 64,
    );
    expect(cdnRequests).toBe(1);

    await page.fill('input[name="name"]', 'Ann');
    await page.fill('input[name="email"]', 'ann@example.com');
    await page.fill('textarea[name="message"]', 'What a lovely garden.');
    await page.waitForTimeout(Math.max(0, SECONDS_ON_PAGE * 1000 - (Date.now() - tokenArrived)));
    const [posted] = await Promise.all([
      page.waitForRequest(`${origin}/contact`),
      page.waitForURL(`${origin}/contact`),
      page.click('button[type="submit"]'),
    ]);
    // The form carried the start token the page fetched.
    expect(new URLSearchParams(posted.postData() ?? '').get('ct_start_token')).toMatch(/^[\w-]{40,}$/);
    const sent = devserver.lastRequest('check_message')?.body as Record<string, unknown>;
    expect(sent).toMatchObject({ sender_email: 'ann@example.com', js_on: 1 });
    expect(await page.textContent('body')).toBe('Thanks!');
    expect(sent.event_token).toMatch(/^[0-9a-f]{64}$/);
    await context.close();
  });
});
