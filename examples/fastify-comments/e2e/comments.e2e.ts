import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useChromiumSite, widgetReady } from './chromium-site.js';
import { lastBody, openAsAdmin } from './harness.js';

const POST_TITLE = 'Growing tomatoes on a small balcony';

const chromium = useChromiumSite();

/** Opens the post the way a reader does: from the front page, so the post page has a referrer. */
async function openPost(page: Page): Promise<void> {
  await page.goto(`${chromium.site.url}/`);
  await page.click(`text=${POST_TITLE}`);
  await page.waitForURL(/\/posts\/tomatoes-on-a-balcony$/);
}

async function fillComment(page: Page, values: { name: string; email: string; message: string }) {
  await page.fill('input[name=name]', values.name);
  await page.fill('input[name=email]', values.email);
  await page.fill('textarea[name=message]', values.message);
}

/** Clicks a submit button and returns the status of the POST's answer. */
async function submit(page: Page, path: string, button = 'form button[type=submit]'): Promise<number> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === path && r.request().method() === 'POST'),
    page.click(button),
  ]);
  await page.waitForLoadState('load');
  return response.status();
}

describe('a visitor with JavaScript', () => {
  it('comments after a few seconds, and CleanTalk gets the token, the timing, the browser and no cookie', async () => {
    const page = await chromium.newPage();
    await page
      .context()
      .addCookies([{ name: 'session', value: 'session-secret-value', url: chromium.site.url }]);
    await openPost(page);
    const openedAt = Date.now();
    await widgetReady(page);

    await page.waitForTimeout(3_500); // reading the post
    await page.type('input[name=name]', 'Ada', { delay: 20 });
    await page.type('input[name=email]', 'ada@example.com', { delay: 20 });
    await page.type('textarea[name=message]', 'Cherry tomatoes did best in my windy corner.\n\nBasil too.', {
      delay: 10,
    });
    expect(await submit(page, '/comments')).toBe(303);
    const submittedAt = Date.now();

    await page.waitForURL(/#comment-\d+$/);
    // The browser sends the textarea's line breaks as CRLF: the blank line still starts a paragraph.
    const paragraphs = await page.locator(`${new URL(page.url()).hash} .comment-text p`).allTextContents();
    expect(paragraphs).toEqual(['Cherry tomatoes did best in my windy corner.', 'Basil too.']);

    const body = lastBody(chromium.site.devserver, 'check_message');
    expect(body.event_token).toMatch(/^[0-9a-f]{64}$/);
    expect(body.event_token_enabled).toBe(1);
    expect(body.js_on).toBe(1);
    expect(body.submit_time).toBeGreaterThanOrEqual(3);
    expect(body.submit_time).toBeLessThanOrEqual(Math.ceil((submittedAt - openedAt) / 1000) + 1);

    const senderInfo = JSON.parse(body.sender_info as string);
    expect(senderInfo.USER_AGENT).toBe(await page.evaluate(() => navigator.userAgent));
    // REFERRER: the page that showed the form (the POST's Referer); before it, the front page.
    expect(senderInfo.REFERRER).toBe(`${chromium.site.url}/posts/tomatoes-on-a-balcony`);
    expect(senderInfo.REFFERRER_PREVIOUS).toBe(`${chromium.site.url}/`);
    expect(senderInfo.page_url).toBe(`${chromium.site.url}/posts/tomatoes-on-a-balcony`);

    // The browser did send the cookie to the site; CleanTalk never sees it.
    expect(await page.evaluate(() => document.cookie)).toContain('session=session-secret-value');
    const headers = JSON.parse(body.all_headers as string);
    expect(Object.keys(headers).map((name) => name.toLowerCase())).not.toContain('cookie');
    expect(body.all_headers).not.toContain('session-secret-value');
    expect(headers['user-agent'] ?? headers['User-Agent']).toBe(senderInfo.USER_AGENT);
  });

  it('is blocked as a blacklisted sender, sees the reason, and gets everything typed back', async () => {
    const page = await chromium.newPage();
    await openPost(page);
    await widgetReady(page);
    const typed = {
      name: 'Eve <b>"bold"</b>',
      email: 'stop_email@example.com',
      message: 'Buy <a href="https://spam.example">cheap</a> seeds & more',
    };
    await fillComment(page, typed);
    expect(await submit(page, '/comments')).toBe(403);

    await expect(page.textContent('.notice-error .reason')).resolves.toBe('Forbidden. Sender blacklisted.');
    expect(await page.inputValue('input[name=name]')).toBe(typed.name);
    expect(await page.inputValue('input[name=email]')).toBe(typed.email);
    expect(await page.inputValue('textarea[name=message]')).toBe(typed.message);
    expect(await page.locator('a[href="https://spam.example"]').count()).toBe(0);
    expect(lastBody(chromium.site.devserver, 'check_message').sender_email).toBe('stop_email@example.com');

    await page.goto(`${chromium.site.url}/posts/tomatoes-on-a-balcony`);
    await expect(page.textContent('#comments h2')).resolves.toBe('0 comments');
  });

  it('is held for moderation, and approving it publishes it and tells CleanTalk', async () => {
    const page = await chromium.newPage();
    await openPost(page);
    await widgetReady(page);
    await fillComment(page, {
      name: 'Max',
      email: 'max@example.com',
      message: 'moderate_me: which pot size?',
    });
    expect(await submit(page, '/comments')).toBe(303);
    await expect(page.textContent('.respond .notice-ok')).resolves.toContain('held for moderation');
    await expect(page.textContent('.comment-list')).resolves.not.toContain('which pot size?');

    await openAsAdmin(page, `${chromium.site.url}/moderation`);
    const item = page.locator('.queue-item', { hasText: 'which pot size?' });
    const requestId = (await item.locator('code').textContent())?.trim();
    expect(requestId).toMatch(/^[0-9a-f]{32}$/);
    expect(await submit(page, '/moderation/comments/1', '.queue-item button.approve')).toBe(303);
    await expect(page.textContent('.notice-ok')).resolves.toContain('CleanTalk was told it was not spam');

    expect(lastBody(chromium.site.devserver, 'send_feedback').feedback).toBe(`${requestId}:1;`);
    await page.goto(`${chromium.site.url}/posts/tomatoes-on-a-balcony`);
    await expect(page.textContent('.comment-list')).resolves.toContain('moderate_me: which pot size?');
  });

  it('signs up, checked with check_newuser and the detector token', async () => {
    const page = await chromium.newPage();
    await page.goto(`${chromium.site.url}/signup`);
    await widgetReady(page);
    await page.fill('input[name=name]', 'Grace');
    await page.fill('input[name=email]', 'grace@example.com');
    // A person takes a few seconds; a start token sent back sooner is held as early.
    await page.waitForTimeout(3_100);
    expect(await submit(page, '/signup')).toBe(200);
    await expect(page.textContent('main')).resolves.toContain('Welcome, Grace!');
    const body = lastBody(chromium.site.devserver, 'check_newuser');
    expect(body.event_token).toMatch(/^[0-9a-f]{64}$/);
    expect(body.js_on).toBe(1);
  });
});

describe('a visitor without JavaScript', () => {
  it('can still submit; the verdict says JavaScript was off and the page shows why', async () => {
    const page = await chromium.newPage({ javaScriptEnabled: false });
    await page.goto(`${chromium.site.url}/posts/tomatoes-on-a-balcony`);
    await fillComment(page, {
      name: 'Lynx',
      email: 'lynx@example.com',
      message: 'Text-mode browsers grow tomatoes too.',
    });
    expect(await submit(page, '/comments')).toBe(403);

    await expect(page.textContent('.notice-error .reason')).resolves.toBe(
      'Forbidden. Please enable JavaScript.',
    );
    expect(await page.inputValue('textarea[name=message]')).toBe('Text-mode browsers grow tomatoes too.');
    const body = lastBody(chromium.site.devserver, 'check_message');
    // The page's start token never came back: the server's JavaScript test was not passed.
    expect(body.js_on).toBe(0);
    expect(body.event_token_enabled).toBe(1);
    expect(body.event_token).toBeUndefined();
    expect(chromium.site.devserver.detectorLoads).toBe(0);
  });
});
