import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  email,
  encoding,
  expectNoKey,
  expectSafeHtml,
  FUZZ_TIMEOUT,
  type FuzzHarness,
  fieldName,
  hostileText,
  message,
  name,
  newestPending,
  POST,
  paragraphs,
  received,
  refilled,
  runs,
  send,
  shownEntry,
  startFuzzHarness,
} from './hostile.js';

let harness: FuzzHarness;
beforeAll(async () => {
  harness = await startFuzzHarness();
});
afterAll(() => harness?.close());

/** How many comments a page shows (`comment-…`) and the queue holds (`pending-comment-…`). */
async function counts(): Promise<{ shown: number; pending: number }> {
  const post = await harness.app.inject(`/posts/${POST}`);
  const queue = await harness.admin.get('/moderation');
  return {
    shown: post.body.match(/ id="comment-\d+"/g)?.length ?? 0,
    pending: queue.body.match(/ id="pending-comment-\d+"/g)?.length ?? 0,
  };
}

describe('the comment form under hostile input', () => {
  it(
    'answers any body with a page or a redirect, never a 5xx, escaped, without the key',
    async () => {
      const field = fc.tuple(fieldName, hostileText);
      const form = fc.record({
        post: fc.option(fc.oneof(fc.constant(POST), fc.constant('saving-seeds'), hostileText)),
        name: fc.option(fc.oneof(name, hostileText)),
        email: fc.option(fc.oneof(email, hostileText)),
        message: fc.option(fc.oneof(message, hostileText)),
        widget: fc.boolean(),
        extra: fc.array(field, { maxLength: 6 }),
      });
      await fc.assert(
        fc.asyncProperty(form, encoding, async (values, how) => {
          const fields: [string, string][] = [];
          for (const key of ['post', 'name', 'email', 'message'] as const) {
            const value = values[key];
            if (value !== null) fields.push([key, value]);
          }
          if (values.widget) fields.push(...Object.entries(await harness.widget()));
          fields.push(...values.extra);
          const before = await counts();
          const response = await send(harness.app, '/comments', fields, how);

          expect([303, 400, 403, 404, 413, 415]).toContain(response.statusCode);
          expectNoKey(response, harness.logLines);
          if (String(response.headers['content-type']).startsWith('text/html')) expectSafeHtml(response.body);
          // The log of checks shows what was sent, escaped, and never the key.
          const log = await harness.admin.get('/log');
          expectSafeHtml(log.body);
          expectNoKey(log, harness.logLines);
          if (response.statusCode === 303) {
            const location = String(response.headers.location);
            expect(location).toMatch(/^\/posts\/[a-z-]+(#comment-\d+|\?held#respond)$/);
            const page = await harness.app.inject(location);
            expect(page.statusCode).toBe(200);
            expectSafeHtml(page.body);
          } else {
            // Nothing was stored.
            expect(await counts()).toEqual(before);
          }
        }),
        runs(60),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'stores an allowed comment once, exactly as sent; holds a reviewed one; keeps a blocked one nowhere',
    async () => {
      const intent = fc.constantFrom('allow', 'review', 'block');
      const how = fc.constantFrom('urlencoded', 'multipart', 'json');
      await fc.assert(
        fc.asyncProperty(name, email, message, intent, how, async (author, address, text, want, encoding) => {
          const sent = want === 'allow' ? text : `${want === 'review' ? 'moderate_me' : 'stop_word'} ${text}`;
          const before = await counts();
          const response = await send(
            harness.app,
            '/comments',
            [
              ['post', POST],
              ['name', author],
              ['email', address],
              ['message', sent],
              ...Object.entries(await harness.widget()),
            ],
            encoding,
          );
          expectNoKey(response, harness.logLines);
          const expected = {
            name: received(author, encoding).trim(),
            email: received(address, encoding),
            message: received(sent, encoding).trim(),
          };
          if (response.statusCode === 400) {
            // Refused as a whole, with a clear message: nothing stored.
            expect(response.body).toMatch(/Please (enter|write)/);
            expect(await counts()).toEqual(before);
            return;
          }
          if (want === 'block') {
            expect(response.statusCode).toBe(403);
            expectSafeHtml(response.body);
            expect(refilled(response.body, 'name')).toBe(expected.name);
            expect(refilled(response.body, 'email')).toBe(expected.email);
            expect(refilled(response.body, 'message')).toBe(expected.message);
            expect(await counts()).toEqual(before);
            return;
          }
          expect(response.statusCode).toBe(303);
          const location = String(response.headers.location);
          const post = (await harness.app.inject(`/posts/${POST}`)).body;
          const queue = (await harness.admin.get('/moderation')).body;
          const id =
            want === 'allow' ? /#comment-(\d+)$/.exec(location)?.[1] : newestPending(queue, 'comment');
          expectSafeHtml(post);
          expectSafeHtml(queue);
          const shown =
            want === 'allow' ? shownEntry(post, `comment-${id}`) : shownEntry(queue, `pending-comment-${id}`);
          expect(shown).toEqual({
            name: expected.name,
            ...(want === 'review' ? { email: expected.email } : {}),
            paragraphs: paragraphs(expected.message),
          });
          expect(await counts()).toEqual(
            want === 'allow'
              ? { ...before, shown: before.shown + 1 }
              : { ...before, pending: before.pending + 1 },
          );
        }),
        runs(60),
      );
    },
    FUZZ_TIMEOUT,
  );
});
