import { DEFAULT_AUTH_KEY, type DevServer, startDevServer } from '@ct-protected-form/devserver';
import { DEFAULT_DETECTOR_SRC } from '@ct-protected-form/fields';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildServer } from '../src/server.js';

let devserver: DevServer;
let app: FastifyInstance;
beforeEach(async () => {
  devserver = await startDevServer();
  app = await buildServer({
    authKey: DEFAULT_AUTH_KEY,
    endpoint: devserver.apiUrl,
    detectorSrc: devserver.detectorUrl,
  });
});
afterEach(async () => {
  await app.close();
  await devserver.close();
});

function postComment(fields: Record<string, string>) {
  return app.inject({
    method: 'POST',
    url: '/wp-comments-post.php',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    payload: new URLSearchParams({
      comment: 'Nice post!',
      author: 'Ada',
      email: 'ada@example.com',
      url: '',
      submit: 'Post Comment',
      comment_post_ID: '1',
      comment_parent: '0',
      ct_bot_detector_event_token: devserver.issueEventToken(),
      ...fields,
    }).toString(),
  });
}

describe('the CMS page server', () => {
  it('serves the page with the one script tag, pointed at the configured detector', async () => {
    const page = (await app.inject('/')).body;
    expect(page).toContain(
      `<script src="/ct-protected-form.min.js" data-auto data-detector-src="${devserver.detectorUrl}" defer></script>`,
    );
    expect(page).not.toContain(DEFAULT_DETECTOR_SRC);
    expect(page).not.toContain('<ct-protected-form');
  });

  it('keeps CleanTalk’s detector in the page when none is configured', async () => {
    const plain = await buildServer({ authKey: DEFAULT_AUTH_KEY, endpoint: devserver.apiUrl });
    expect((await plain.inject('/')).body).toContain(`data-detector-src="${DEFAULT_DETECTOR_SRC}"`);
    await plain.close();
  });

  it('maps the WordPress fields: author → nickname, comment → message', async () => {
    const response = await postComment({});
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Your comment was published.');
    const body = devserver.lastRequest('check_message')?.body as Record<string, unknown>;
    expect(body).toMatchObject({
      sender_nickname: 'Ada',
      sender_email: 'ada@example.com',
      message: 'Nice post!',
    });
    expect(body.event_token_enabled).toBe(1);
  });

  it('answers a blocked comment with the plugin’s 403 page and the reason', async () => {
    const response = await postComment({ email: 'stop_email@example.com' });
    expect(response.statusCode).toBe(403);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).toContain('Forbidden. Sender blacklisted.');
  });

  it('tells the visitor a held comment awaits moderation', async () => {
    const response = await postComment({ comment: 'moderate_me please' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('awaiting moderation');
  });

  it('escapes the author name in the result page', async () => {
    const response = await postComment({ author: '<img src=x onerror=alert(1)>' });
    expect(response.body).toContain('Thank you, &#60;img src=x onerror=alert(1)&#62;');
  });
});
