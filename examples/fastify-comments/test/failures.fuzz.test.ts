import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  email,
  expectNoKey,
  expectSafeHtml,
  FUZZ_TIMEOUT,
  type FuzzHarness,
  message,
  name,
  newestPending,
  POST,
  paragraphs,
  runs,
  send,
  shownEntry,
  startFuzzHarness,
} from './hostile.js';

/** One app whose key CleanTalk refuses, one whose CleanTalk fails in every way it can answer. */
let refused: FuzzHarness;
let failing: FuzzHarness;
beforeAll(async () => {
  [refused, failing] = await Promise.all([startFuzzHarness({ keyRefused: true }), startFuzzHarness()]);
});
afterAll(async () => {
  await refused?.close();
  await failing?.close();
});

/** What goes wrong: the key is refused, or the API fails (an error status, a broken body, a dropped connection). */
const failure = fc.oneof(
  fc.constant({ keyRefused: true } as const),
  fc.record({ status: fc.constantFrom(400, 403, 500, 502, 503) }),
  fc.record({
    body: fc.constantFrom('garbage', 'empty', 'truncated', '{"allow":', '[]', 'null'),
  }),
  fc.record({ drop: fc.constantFrom('reset', 'close') }),
);

describe('the forms when CleanTalk cannot answer', () => {
  it(
    'holds every valid comment and sign-up for moderation, loses none, and shows the key nowhere',
    async () => {
      let serial = 0;
      await fc.assert(
        fc.asyncProperty(failure, name, email, message, async (fault, author, address, text) => {
          const harness = 'keyRefused' in fault ? refused : failing;
          if (!('keyRefused' in fault)) harness.devserver.setFault(fault);
          try {
            const comment = await send(
              harness.app,
              '/comments',
              [
                ['post', POST],
                ['name', author],
                ['email', address],
                ['message', text],
                ...Object.entries(await harness.widget()),
              ],
              'urlencoded',
            );
            const unique = `f${++serial}.${address}`;
            const signup = await send(
              harness.app,
              '/signup',
              [['name', author], ['email', unique], ...Object.entries(await harness.widget())],
              'urlencoded',
            );
            harness.devserver.setFault(null);
            const queue = await harness.admin.get('/moderation');
            const log = await harness.admin.get('/log');
            for (const response of [comment, signup, queue, log]) {
              expectNoKey(response, harness.logLines);
              expectSafeHtml(response.body);
            }

            const expected = { name: author.toWellFormed().trim(), email: address.toWellFormed() };
            expect(comment.statusCode).toBe(303);
            expect(comment.headers.location).toMatch(/\?held#respond$/);
            const id = newestPending(queue.body, 'comment');
            expect(shownEntry(queue.body, `pending-comment-${id}`)).toEqual({
              ...expected,
              paragraphs: paragraphs(text.toWellFormed()),
            });
            expect(signup.statusCode).toBe(200);
            expect(signup.body).toContain('being reviewed');
            const users = [...queue.body.matchAll(/ id="(pending-user-\d+)"/g)].map(
              (match) => match[1] ?? '',
            );
            expect(shownEntry(queue.body, users.at(-1) ?? '')).toEqual({
              name: expected.name,
              email: unique.toWellFormed(),
              paragraphs: [],
            });
            expect(log.body).toContain('not verified');
          } finally {
            harness.devserver.setFault(null);
          }
        }),
        runs(15),
      );
    },
    FUZZ_TIMEOUT,
  );
});
