import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectNoKey,
  expectSafeHtml,
  FUZZ_TIMEOUT,
  type FuzzHarness,
  hostileText,
  MARKUP,
  POST,
  runs,
  startFuzzHarness,
} from './hostile.js';

let harness: FuzzHarness;
beforeAll(async () => {
  harness = await startFuzzHarness();
});
afterAll(() => harness?.close());

/** The flash messages the queue knows; anything else in `?done=` shows none. */
const DONE = [
  'approved',
  'rejected',
  'approved-unsent',
  'rejected-unsent',
  'approved-unchecked',
  'rejected-unchecked',
  'gone',
];

/** A piece of a path or a query: the site's words, prototype names, escapes (broken ones too), anything. */
const piece: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '/',
    'posts',
    POST,
    'saving-seeds',
    'moderation',
    'signup',
    'log',
    'assets',
    'site.css',
    'ct-protected-form.min.js',
    'ct-protected-form',
    'start-token',
    'comments',
    'users',
    '1',
    '..',
    '%2e%2e',
    '%2F',
    '%00',
    '%',
    '%ff',
    '%E0%A4%A',
    '__proto__',
    'constructor',
    '?',
    '&',
    '=',
    '#',
    ';',
    'done',
    'held',
    ...DONE,
  ),
  fc.constantFrom(...MARKUP).map((text) => encodeURIComponent(text)),
  hostileText.map((text) => encodeURIComponent(text.toWellFormed().slice(0, 200))),
);

const path = fc.array(piece, { minLength: 1, maxLength: 8 }).map((parts) => `/${parts.join('')}`);

describe('the pages under hostile addresses', () => {
  it(
    'answers any GET or HEAD with a page or a 4xx, never a 5xx, escaped, without the key',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('GET', 'HEAD'), path, async (method, url) => {
          const response = await harness.app.inject({ method, url });
          expect(response.statusCode, `${method} ${url}`).toBeLessThan(500);
          expectNoKey(response, harness.logLines);
          if (method === 'GET' && String(response.headers['content-type']).startsWith('text/html')) {
            expectSafeHtml(response.body);
          }
        }),
        runs(150),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'shows a flash on the moderation queue for its own outcomes only',
    async () => {
      const done = fc.oneof(
        fc.constantFrom(...DONE),
        fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '', 'APPROVED'),
        hostileText.map((text) => text.toWellFormed().slice(0, 100)),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(done, { minLength: 1, maxLength: 3 }), async (values) => {
          const query = values.map((value) => `done=${encodeURIComponent(value)}`).join('&');
          const response = await harness.admin.get(`/moderation?${query}`);
          expect(response.statusCode).toBe(200);
          expectSafeHtml(response.body);
          const notices = response.body.match(/class="notice /g)?.length ?? 0;
          const [first] = values;
          expect(notices).toBe(values.length === 1 && DONE.includes(first ?? '') ? 1 : 0);
        }),
        runs(60),
      );
    },
    FUZZ_TIMEOUT,
  );
});
