import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useChromiumSite, widgetReady } from './chromium-site.js';
import { openAsAdmin } from './harness.js';

const POST_URL = '/posts/tomatoes-on-a-balcony';

const chromium = useChromiumSite();
let page: Page;
let attacker: Server | undefined;

beforeEach(async () => {
  page = await chromium.newPage();
});
afterEach(async () => {
  await new Promise((resolve) => (attacker ? attacker.close(resolve) : resolve(undefined)));
  attacker = undefined;
});

/** A visitor's comment the devserver holds for moderation (`moderate_me`). */
async function holdComment(text: string): Promise<void> {
  const visitor = await chromium.browser.newContext();
  try {
    const tab = await visitor.newPage();
    await tab.goto(`${chromium.site.url}${POST_URL}`);
    await widgetReady(tab);
    await tab.fill('input[name=name]', 'Max');
    await tab.fill('input[name=email]', 'max@example.com');
    await tab.fill('textarea[name=message]', `moderate_me: ${text}`);
    await Promise.all([tab.waitForURL(/\?held#respond$/), tab.click('form button[type=submit]')]);
  } finally {
    await visitor.close();
  }
}

const feedbackSent = () => chromium.site.devserver.requests.filter((r) => r.methodName === 'send_feedback');

/**
 * Another site (`localhost` is not the same site as `127.0.0.1`) whose page posts a moderation
 * action to the example the moment it loads, as a forged form would.
 */
async function attackerPage(action: string): Promise<string> {
  attacker = createServer((_request, response) => {
    response.setHeader('content-type', 'text/html; charset=utf-8');
    response.end(`<!doctype html><title>Free seeds</title>
<form method="post" action="${action}"><input type="hidden" name="action" value="approve"></form>
<script>document.forms[0].submit()</script>`);
  });
  await new Promise<void>((resolve) => attacker!.listen(0, '127.0.0.1', resolve));
  return `http://localhost:${(attacker.address() as AddressInfo).port}/`;
}

/** Visits the attacker's page and resolves to the status of the forged POST it makes. */
async function forgedPost(target: Page, url: string): Promise<number> {
  const [response] = await Promise.all([
    target.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/moderation/')),
    target.goto(url),
  ]);
  return response.status();
}

async function queueHas(text: string): Promise<boolean> {
  const admin = await chromium.browser.newContext();
  try {
    const tab = await admin.newPage();
    await openAsAdmin(tab, `${chromium.site.url}/moderation`);
    return (await tab.locator('.queue-item', { hasText: text }).count()) === 1;
  } finally {
    await admin.close();
  }
}

describe('the moderation queue against forged requests', () => {
  it('answers a cross-site POST from a visitor who is not logged in with 401: nothing changes, no feedback', async () => {
    await holdComment('a held question');
    const status = await forgedPost(page, await attackerPage(`${chromium.site.url}/moderation/comments/1`));
    expect(status).toBe(401);
    expect(await queueHas('a held question')).toBe(true);
    expect(feedbackSent()).toHaveLength(0);
    await page.goto(`${chromium.site.url}${POST_URL}`);
    await expect(page.textContent('.comment-list')).resolves.not.toContain('a held question');
  });

  it('answers a cross-site POST from a logged-in administrator’s browser with 401/403: nothing changes, no feedback', async () => {
    await holdComment('held spam');
    await openAsAdmin(page, `${chromium.site.url}/moderation`); // the administrator is logged in in this browser
    const status = await forgedPost(page, await attackerPage(`${chromium.site.url}/moderation/comments/1`));
    expect([401, 403]).toContain(status);
    expect(await queueHas('held spam')).toBe(true);
    expect(feedbackSent()).toHaveLength(0);
  });

  it('approves a held comment for a logged-in administrator: published, feedback sent once', async () => {
    await holdComment('which pot size?');
    await openAsAdmin(page, `${chromium.site.url}/moderation`);
    const item = page.locator('.queue-item', { hasText: 'which pot size?' });
    const requestId = (await item.locator('.actions code').textContent())?.trim();
    await Promise.all([page.waitForURL(/done=approved$/), item.locator('button.approve').click()]);
    await expect(page.textContent('.notice-ok')).resolves.toContain('CleanTalk was told it was not spam');

    expect(feedbackSent().map((r) => (r.body as Record<string, unknown>).feedback)).toEqual([
      `${requestId}:1;`,
    ]);
    await page.goto(`${chromium.site.url}${POST_URL}`);
    await expect(page.textContent('.comment-list')).resolves.toContain('which pot size?');
  });
});

describe('the log of checks', () => {
  it('is not readable without the login: the browser ends at the login form, and sees no sender', async () => {
    await holdComment('logged sender');
    await page.goto(`${chromium.site.url}/log`);
    expect(new URL(page.url()).pathname).toBe('/login');
    const text = await page.textContent('main');
    expect(text).not.toContain('max@example.com');
    expect(text).not.toContain('127.0.0.1');

    await openAsAdmin(page, `${chromium.site.url}/log`);
    await expect(page.textContent('table.log')).resolves.toContain('max@example.com');
  });
});

describe('a browser bot that fills every input', () => {
  it('is blocked by the honeypot; the comment is not published, and the block is logged', async () => {
    await page.goto(`${chromium.site.url}${POST_URL}`);
    await widgetReady(page);
    // What a generic form-filling bot does: a value in every text field it finds, hidden trap or not.
    const filled = await page.evaluate(() => {
      const fields = [
        ...document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>(
          'form input:not([type=hidden]):not([type=submit]), form textarea',
        ),
      ];
      for (const field of fields) {
        field.value = field.type === 'email' ? 'bot@example.com' : 'Cheap seeds at https://spam.example';
      }
      return fields.map((field) => field.name);
    });
    expect(filled).toContain('ct_hp');

    const [response] = await Promise.all([
      page.waitForResponse(
        (r) => new URL(r.url()).pathname === '/comments' && r.request().method() === 'POST',
      ),
      page.click('form button[type=submit]'),
    ]);
    expect(response.status()).toBe(403);
    expect(chromium.site.devserver.lastRequest('check_message')).toBeUndefined();

    await page.goto(`${chromium.site.url}${POST_URL}`);
    await expect(page.textContent('#comments h2')).resolves.toBe('0 comments');
    await openAsAdmin(page, `${chromium.site.url}/log`);
    const row = page.locator('table.log tbody tr', { hasText: 'bot@example.com' });
    await expect(row.locator('.badge-block').count()).resolves.toBe(1);
    await openAsAdmin(page, `${chromium.site.url}/moderation`);
    await expect(page.textContent('main')).resolves.not.toContain('bot@example.com');
  });
});
