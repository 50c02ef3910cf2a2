import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useChromiumCms } from './chromium-cms.js';

const TOKEN_FIELD = 'ct_bot_detector_event_token';

const chromium = useChromiumCms();

async function openPage(): Promise<Page> {
  const context = await chromium.newContext();
  const page = await context.newPage();
  await page.goto(`${chromium.cms.url}/`);
  // Auto mode is done once the detector's token is in the form.
  await page.waitForFunction(
    (field) =>
      document.querySelector<HTMLInputElement>(`#commentform input[name="${field}"]`)?.value.length === 64,
    TOKEN_FIELD,
  );
  return page;
}

async function fill(page: Page, values: { comment: string; author: string; email: string; url?: string }) {
  await page.fill('#comment', values.comment);
  await page.fill('#author', values.author);
  await page.fill('#email', values.email);
  if (values.url) await page.fill('#url', values.url);
}

describe('a WordPress-style page with one script tag', () => {
  it('gets its comment form protected without a markup change', async () => {
    const page = await openPage();
    // The form is where the CMS put it, unwrapped, with its own fields.
    expect(await page.evaluate(() => document.querySelector('#commentform')?.parentElement?.id)).toBe(
      'respond',
    );
    expect(await page.locator('ct-protected-form').count()).toBe(0);
    const original = await readFile(new URL('../public/index.html', import.meta.url), 'utf8');
    const served = await (await fetch(`${chromium.cms.url}/`)).text();
    expect(served.replace(chromium.cms.devserver.detectorUrl, '')).toBe(
      original.replace('https://fd.cleantalk.org/ct-bot-detector-wrapper.js', ''),
    );

    await fill(page, {
      comment: 'Auto mode found this form on its own.',
      author: 'Ada',
      email: 'ada@example.com',
      url: 'https://ada.example',
    });
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.url().endsWith('/wp-comments-post.php')),
      page.click('#submit'),
    ]);
    await page.waitForLoadState('load');
    await expect(page.textContent('#result')).resolves.toBe('Your comment was published.');

    const posted = new URLSearchParams(request.postData() ?? '');
    for (const name of [
      TOKEN_FIELD,
      'ct_started_at',
      'ct_submitted_at',
      'ct_tz',
      'ct_tz_offset',
      'ct_page_url',
      'ct_referrer',
    ]) {
      expect(posted.getAll(name), name).toHaveLength(1);
    }
    expect(posted.getAll('ct_js'), 'no client-computed checksum').toHaveLength(0);
    expect(posted.get(TOKEN_FIELD)).toMatch(/^[0-9a-f]{64}$/);
    // The CMS's own fields, the clicked submit button included (a field named "submit" is a classic trap).
    expect(posted.get('submit')).toBe('Post Comment');
    expect(posted.get('comment_post_ID')).toBe('1');
    expect(posted.get('url')).toBe('https://ada.example');

    const body = chromium.cms.devserver.lastRequest('check_message')?.body as Record<string, unknown>;
    expect(body.event_token).toBe(posted.get(TOKEN_FIELD));
    expect(body).toMatchObject({
      event_token_enabled: 1,
      sender_nickname: 'Ada',
      message: 'Auto mode found this form on its own.',
    });
    // No start tokens on this page: nothing server-issued proves JavaScript, so js_on is left out
    // and CleanTalk judges the detector's token.
    expect(body).not.toHaveProperty('js_on');
    expect(chromium.cms.devserver.detectorLoads).toBe(1);
  });

  it('shows the plugin’s 403 page with the reason for a blacklisted sender', async () => {
    const page = await openPage();
    await fill(page, { comment: 'Hello', author: 'Spammer', email: 'stop_email@example.com' });
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/wp-comments-post.php')),
      page.click('#submit'),
    ]);
    await page.waitForLoadState('load');
    expect(response.status()).toBe(403);
    await expect(page.textContent('body')).resolves.toContain('Forbidden. Sender blacklisted.');
  });
});
