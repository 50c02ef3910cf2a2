import { FALLBACK_KEYS } from '@ct-protected-form/devserver';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useChromiumCms } from './chromium-cms.js';

// What reaches CleanTalk about the browser, with and without the bot detector's token: the keys of
// CleanTalk's WordPress plugin, in its formats.

const chromium = useChromiumCms();

/**
 * The page, with the detector left to load or blocked (as an ad blocker would). Blocked, the page
 * also gets the honeypot in its script tag (a page answered by the test counts as public to
 * Chromium, which would keep it from loading a detector on a loopback address: blocked anyway).
 */
async function openPage({ blockDetector }: { blockDetector: boolean }): Promise<Page> {
  // A short window, so that the post scrolls.
  const context = await chromium.newContext({ viewport: { width: 900, height: 400 } });
  if (blockDetector) {
    await context.route(chromium.cms.devserver.detectorUrl, (route) => route.abort('blockedbyclient'));
    await context.route(`${chromium.cms.url}/`, async (route) => {
      const response = await route.fetch();
      const body = (await response.text()).replace('data-auto', 'data-auto data-honeypot');
      await route.fulfill({ response, body });
    });
  }
  const page = await context.newPage();
  await page.goto(`${chromium.cms.url}/`);
  await page.waitForFunction(() => customElements.get('ct-protected-form'));
  return page;
}

/** A visitor reads, moves the mouse, scrolls, clicks into the form and types, then submits. */
async function comment(page: Page): Promise<URLSearchParams> {
  for (const [x, y] of [
    [100, 80],
    [220, 140],
    [340, 200],
    [420, 260],
  ]) {
    await page.mouse.move(x as number, y as number);
    await page.waitForTimeout(170);
  }
  await page.mouse.wheel(0, 300);
  await page.waitForFunction(() => window.scrollY > 0);
  await page.click('#comment');
  await page.keyboard.type('Moved, scrolled and typed by hand.', { delay: 15 });
  await page.click('#author');
  await page.keyboard.type('Ada', { delay: 15 });
  await page.click('#email');
  await page.keyboard.type('ada@example.com', { delay: 15 });
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.url().endsWith('/wp-comments-post.php')),
    page.click('#submit'),
  ]);
  await page.waitForLoadState('load');
  return new URLSearchParams(request.postData() ?? '');
}

const sentToCleanTalk = () =>
  chromium.cms.devserver.lastRequest('check_message')?.body as Record<string, unknown>;
const isSeconds = (value: unknown) =>
  Number.isInteger(value) && Math.abs((value as number) - Date.now() / 1000) < 120;

describe('browser signals in the check', () => {
  it('without the detector, a person-like session reaches CleanTalk as the plugin’s fallback set', async () => {
    const page = await openPage({ blockDetector: true });
    const posted = await comment(page);
    expect(posted.get('ct_bot_detector_event_token') ?? '').toBe('');

    const body = sentToCleanTalk();
    expect(body).not.toHaveProperty('event_token');
    expect(body.honeypot_field).toBe(1);
    const info = JSON.parse(body.sender_info as string) as Record<string, unknown>;
    for (const key of FALLBACK_KEYS) expect(info, key).toHaveProperty(key);

    expect(isSeconds(info.page_set_timestamp)).toBe(true);
    expect(isSeconds(info.key_press_timestamp)).toBe(true);
    expect(info.key_press_timestamp as number).toBeGreaterThanOrEqual(info.page_set_timestamp as number);
    const track = JSON.parse(info.mouse_cursor_positions as string) as number[][];
    expect(track.length).toBeGreaterThanOrEqual(4);
    expect(track.length).toBeLessThanOrEqual(50);
    for (const point of track) {
      expect(point).toHaveLength(3);
      expect(point.every(Number.isInteger)).toBe(true);
    }
    // Y first: the mouse went to x 100, y 80, then to x 420, y 260; points are 150 ms apart or more.
    expect(track.slice(0, 4).map(([y, x]) => [y, x])).toEqual([
      [80, 100],
      [140, 220],
      [200, 340],
      [260, 420],
    ]);
    for (let i = 1; i < track.length; i++) {
      expect((track[i]?.[2] as number) - (track[i - 1]?.[2] as number)).toBeGreaterThanOrEqual(149);
    }
    expect(info).toMatchObject({
      mouse_moved: 'true',
      has_scrolled: 'true',
      has_key_up: 'true',
      has_input_focused: 'true',
      // The browser is driven by an automation library: navigator.webdriver is true.
      emulations_headless_mode: 'true',
      form_visible_inputs: 4,
      apbct_visible_fields: 'comment author email url',
      form_invisible_inputs: 2,
      apbct_invisible_fields: 'comment_post_ID comment_parent',
      cms_lang: 'en',
      // comment, author, email, url, submit, comment_post_ID, comment_parent.
      fields_number: 7,
      direct_post: 0,
    });
    const offset = -(await page.evaluate(() => new Date().getTimezoneOffset()));
    expect(info.js_timezone).toBe(offset === 0 ? null : offset / 60);
    const screen = JSON.parse(info.screen_info as string);
    expect(Object.keys(screen)).toEqual(['fullWidth', 'fullHeight', 'visibleWidth', 'visibleHeight']);
    expect(screen.visibleHeight).toBe(400);
    expect(screen.fullHeight).toBeGreaterThan(400);
  });

  it('with the detector, the token is sent and the fallback set is not', async () => {
    const page = await openPage({ blockDetector: false });
    await page.waitForFunction(
      () =>
        document.querySelector<HTMLInputElement>('#commentform input[name="ct_bot_detector_event_token"]')
          ?.value.length === 64,
    );
    const posted = await comment(page);
    expect(posted.get('ct_behaviour')).toBe('');

    const body = sentToCleanTalk();
    expect(body.event_token).toBe(posted.get('ct_bot_detector_event_token'));
    // This page has no honeypot: no honeypot_field.
    expect(body).not.toHaveProperty('honeypot_field');
    const info = JSON.parse(body.sender_info as string) as Record<string, unknown>;
    for (const key of FALLBACK_KEYS) expect(info, key).not.toHaveProperty(key);
    expect(info).toMatchObject({ cms_lang: 'en', fields_number: 7, direct_post: 0 });
  });

  it('a POST with no page view before it is a direct post, and carries nothing of the browser', async () => {
    const response = await fetch(`${chromium.cms.url}/wp-comments-post.php`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'comment=Hello&author=Bot&email=bot%40example.com',
    });
    expect(response.status).toBeLessThan(500);
    const info = JSON.parse(sentToCleanTalk().sender_info as string) as Record<string, unknown>;
    expect(info).toMatchObject({ fields_number: 3, direct_post: 1 });
    for (const key of [...FALLBACK_KEYS, 'cms_lang']) expect(info, key).not.toHaveProperty(key);
    expect(sentToCleanTalk()).not.toHaveProperty('honeypot_field');
  });
});
