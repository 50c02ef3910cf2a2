/**
 * Takes the screenshots in docs/screenshots/ from a real run of the example: the app and a
 * devserver on free ports, Debian's Chromium filling in the forms.
 *
 *   pnpm build && pnpm -F example-fastify-comments screenshots
 */
import { mkdir } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { launchChromium } from '../e2e/browser.js';
import { openAsAdmin, startSite } from '../e2e/harness.js';

const out = new URL('../../../docs/screenshots/', import.meta.url);
await mkdir(out, { recursive: true });

const site = await startSite();
const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 900, height: 760 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const post = `${site.url}/posts/tomatoes-on-a-balcony`;

  async function comment(values: { name: string; email: string; message: string }): Promise<void> {
    await page.goto(post);
    await page.evaluate(
      () => document.querySelector<HTMLElement & { ready: Promise<void> }>('ct-protected-form')?.ready,
    );
    // A person reads before commenting: a start token sent back sooner is held as "early".
    await page.waitForTimeout(3_200);
    await page.fill('input[name=name]', values.name);
    await page.fill('input[name=email]', values.email);
    await page.fill('textarea[name=message]', values.message);
    await Promise.all([page.waitForNavigation(), page.click('form button[type=submit]')]);
  }

  async function shoot(name: string, target: Page, options: { fullPage?: boolean } = {}): Promise<void> {
    const path = new URL(`${name}.png`, out);
    await target.screenshot({ path: path.pathname, fullPage: options.fullPage ?? false });
    console.log(`wrote docs/screenshots/${name}.png`);
  }

  await comment({
    name: 'Priya',
    email: 'priya@example.com',
    message:
      'Thirty-litre pots changed everything for me too. Sungold cherries cope with the wind on our seventh floor.',
  });
  await comment({
    name: 'Tomasz',
    email: 'tomasz@example.com',
    message: 'Burying the stem deep works! I plant them almost up to the first leaves now.',
  });
  await comment({
    name: 'Lena',
    email: 'review@example.com',
    message: 'Does anyone grow them in self-watering boxes? Mine rotted last year.',
  });
  await comment({
    name: 'Cheap Seeds Online',
    email: 'stop_email@example.com',
    message: 'Best prices for seeds!!! Visit our shop today, free shipping worldwide.',
  });
  await shoot('blocked', page);

  await page.goto(`${post}#comments`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shoot('post', page, { fullPage: true });

  await openAsAdmin(page, `${site.url}/moderation`);
  await shoot('moderation', page);

  await page.setViewportSize({ width: 1240, height: 560 });
  await page.goto(`${site.url}/log`);
  await shoot('log', page);
  await context.close();
} finally {
  await browser.close();
  await site.close();
}
