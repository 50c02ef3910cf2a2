import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useChromiumSite, widgetReady } from './chromium-site.js';
import { lastBody, openAsAdmin } from './harness.js';

/**
 * CleanTalk's answers read, and its model fed, the way CleanTalk's own integrations do, from a
 * real Chromium: what the check carries, and what the site does with the answer.
 */

const POST_PATH = '/posts/tomatoes-on-a-balcony';

const chromium = useChromiumSite();

async function comment(page: Page, values: { email: string; message: string }): Promise<number> {
  await page.fill('input[name=name]', 'Ada');
  await page.fill('input[name=email]', values.email);
  await page.fill('textarea[name=message]', values.message);
  const [response] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/comments' && r.request().method() === 'POST'),
    page.click('form button[type=submit]'),
  ]);
  await page.waitForLoadState('load');
  return response.status();
}

function senderInfo(): Record<string, unknown> {
  return JSON.parse(String(lastBody(chromium.site.devserver, 'check_message').sender_info));
}

describe('what the check tells CleanTalk about the page', () => {
  it('a page opened directly: REFERRER is the form page, and there is no previous page', async () => {
    const page = await chromium.newPage();
    await page.goto(`${chromium.site.url}${POST_PATH}`);
    await widgetReady(page);
    expect(await page.evaluate(() => document.referrer)).toBe('');
    expect(await comment(page, { email: 'ada@example.com', message: 'Opened from a bookmark.' })).toBe(303);

    const info = senderInfo();
    expect(info.REFERRER).toBe(`${chromium.site.url}${POST_PATH}`);
    expect(info.REFFERRER).toBe(`${chromium.site.url}${POST_PATH}`);
    expect(info).not.toHaveProperty('REFFERRER_PREVIOUS');
    const postInfo = JSON.parse(String(lastBody(chromium.site.devserver, 'check_message').post_info));
    expect(postInfo.post_url).toBe(`${chromium.site.url}${POST_PATH}`);
  });

  it('a page opened with a referrer: REFERRER is the form page, REFFERRER_PREVIOUS the referrer', async () => {
    const page = await chromium.newPage();
    await page.goto(`${chromium.site.url}${POST_PATH}`, {
      referer: 'http://search.example/results?q=tomatoes',
    });
    await widgetReady(page);
    const referrer = await page.evaluate(() => document.referrer);
    // Chromium trims a cross-origin referrer to its origin (strict-origin-when-cross-origin).
    expect(referrer).toMatch(/^http:\/\/search\.example\//);
    expect(await comment(page, { email: 'ada@example.com', message: 'Found you on a search engine.' })).toBe(
      303,
    );

    const info = senderInfo();
    expect(info.REFERRER).toBe(`${chromium.site.url}${POST_PATH}`);
    expect(info.REFFERRER_PREVIOUS).toBe(referrer);
  });

  it('a POST without JavaScript: event_token_enabled 1, js_on 0 and no token', async () => {
    const page = await chromium.newPage({ javaScriptEnabled: false });
    await page.goto(`${chromium.site.url}${POST_PATH}`);
    await comment(page, { email: 'lynx@example.com', message: 'Text-mode browsers grow tomatoes too.' });

    const body = lastBody(chromium.site.devserver, 'check_message');
    expect(body).toMatchObject({ event_token_enabled: 1, js_on: 0 });
    expect(body).not.toHaveProperty('event_token');
    expect(senderInfo().REFERRER).toBe(`${chromium.site.url}${POST_PATH}`);
  });
});

describe('what the site does with the answer', () => {
  it('blocks a blacklisted sender (allow 0, stop_queue 1) with its reason, and logs it', async () => {
    const page = await chromium.newPage();
    await page.goto(`${chromium.site.url}${POST_PATH}`);
    await widgetReady(page);
    expect(await comment(page, { email: 'stop_email@example.com', message: 'Cheap seeds!' })).toBe(403);
    await expect(page.textContent('.notice-error .reason')).resolves.toBe('Forbidden. Sender blacklisted.');

    await openAsAdmin(page, `${chromium.site.url}/moderation`);
    await expect(page.textContent('main')).resolves.not.toContain('Cheap seeds!');
    await openAsAdmin(page, `${chromium.site.url}/log`);
    const row = page.locator('table.log tbody tr').first();
    await expect(row.locator('.badge').first().textContent()).resolves.toBe('block');
    await expect(row.locator('code').first().textContent()).resolves.toBe('FORBIDDEN BL');
    await expect(row.textContent()).resolves.toContain('Forbidden. Sender blacklisted.');
  });

  it('holds what CleanTalk is unsure about (allow 0, stop_queue 0) in /moderation', async () => {
    const page = await chromium.newPage();
    await page.goto(`${chromium.site.url}${POST_PATH}`);
    await widgetReady(page);
    // `moderate_me` is the devserver's documented marker for CleanTalk's moderation answer.
    expect(await comment(page, { email: 'max@example.com', message: 'moderate_me: which pot size?' })).toBe(
      303,
    );
    await expect(page.textContent('.respond .notice-ok')).resolves.toContain('held for moderation');

    await openAsAdmin(page, `${chromium.site.url}/moderation`);
    const item = page.locator('.queue-item', { hasText: 'which pot size?' });
    await expect(item.count()).resolves.toBe(1);
    await openAsAdmin(page, `${chromium.site.url}/log`);
    const row = page.locator('table.log tbody tr').first();
    await expect(row.locator('.badge').first().textContent()).resolves.toBe('review');
    await expect(row.locator('code').first().textContent()).resolves.toBe('MANUAL');
  });

  it('decides a honeypot hit here, without a check, and writes it to the log', async () => {
    const page = await chromium.newPage();
    await page.goto(`${chromium.site.url}${POST_PATH}`);
    await widgetReady(page);
    // A bot fills every field it finds, the trap too.
    await page.evaluate(() => {
      for (const trap of document.querySelectorAll<HTMLInputElement>(
        'form[action="/comments"] [name=ct_hp]',
      )) {
        trap.value = 'http://spam.example';
      }
    });
    chromium.site.devserver.clearRequests();
    expect(await comment(page, { email: 'bot@example.com', message: 'Great post, visit my site' })).toBe(403);
    expect(chromium.site.devserver.requests.filter((r) => r.methodName === 'check_message')).toHaveLength(0);

    await openAsAdmin(page, `${chromium.site.url}/log`);
    const row = page.locator('table.log tbody tr').first();
    await expect(row.locator('.badge').first().textContent()).resolves.toBe('block');
    await expect(row.textContent()).resolves.toContain('Honeypot');
    await expect(row.textContent()).resolves.toContain('bot@example.com');
  });
});
