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
  name,
  received,
  refilled,
  runs,
  send,
  startFuzzHarness,
  unescapeHtml,
} from './hostile.js';

let harness: FuzzHarness;
beforeAll(async () => {
  harness = await startFuzzHarness();
});
afterAll(() => harness?.close());

/** The ids of the sign-ups waiting in the moderation queue. */
async function pendingUsers(): Promise<string[]> {
  const queue = await harness.admin.get('/moderation');
  return [...queue.body.matchAll(/ id="(pending-user-\d+)"/g)].map((match) => match[1] ?? '');
}

describe('the sign-up form under hostile input', () => {
  it(
    'answers any body with a page, never a 5xx, escaped, without the key',
    async () => {
      const form = fc.record({
        name: fc.option(fc.oneof(name, hostileText)),
        email: fc.option(fc.oneof(email, hostileText)),
        widget: fc.boolean(),
        extra: fc.array(fc.tuple(fieldName, hostileText), { maxLength: 6 }),
      });
      await fc.assert(
        fc.asyncProperty(form, encoding, async (values, how) => {
          const fields: [string, string][] = [];
          if (values.name !== null) fields.push(['name', values.name]);
          if (values.email !== null) fields.push(['email', values.email]);
          if (values.widget) fields.push(...Object.entries(await harness.widget()));
          fields.push(...values.extra);
          const before = await pendingUsers();
          const response = await send(harness.app, '/signup', fields, how);

          expect([200, 400, 403, 413, 415]).toContain(response.statusCode);
          expectNoKey(response, harness.logLines);
          if (String(response.headers['content-type']).startsWith('text/html')) expectSafeHtml(response.body);
          // The log of checks shows what was sent, escaped, and never the key.
          const log = await harness.admin.get('/log');
          expectSafeHtml(log.body);
          expectNoKey(log, harness.logLines);
          if (response.statusCode !== 200) expect(await pendingUsers()).toEqual(before);
        }),
        runs(60),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'creates an allowed account once, creates no blocked or unsure one, showing each exactly as sent',
    async () => {
      let serial = 0;
      const intent = fc.constantFrom('allow', 'inactive', 'review', 'block');
      const how = fc.constantFrom('urlencoded', 'multipart', 'json');
      await fc.assert(
        fc.asyncProperty(name, email, intent, how, async (author, address, want, encoding) => {
          // A new address each run: a second account for one address is refused.
          const unique = `n${++serial}.${address}`;
          const rules = harness.devserver.rules;
          if (want === 'inactive') rules.inactiveEmails.push(unique.toWellFormed());
          if (want === 'review') rules.reviewEmails.push(unique.toWellFormed());
          if (want === 'block') rules.blacklistedEmails.push(unique.toWellFormed());
          const before = await pendingUsers();
          const response = await send(
            harness.app,
            '/signup',
            [['name', author], ['email', unique], ...Object.entries(await harness.widget())],
            encoding,
          );
          expectNoKey(response, harness.logLines);
          expectSafeHtml(response.body);
          const expected = { name: received(author, encoding).trim(), email: received(unique, encoding) };
          if (response.statusCode === 400) {
            expect(response.body).toMatch(/Please enter/);
            expect(await pendingUsers()).toEqual(before);
            return;
          }
          const welcome = /<strong>Welcome, (.*)!( One more step\.)?<\/strong>/s.exec(response.body);
          const after = await pendingUsers();
          // A registration CleanTalk is unsure about (allow 0, stop_queue 0) is refused like a blacklisted one.
          if (want === 'block' || want === 'review') {
            expect(response.statusCode).toBe(403);
            expect(refilled(response.body, 'name')).toBe(expected.name);
            expect(refilled(response.body, 'email')).toBe(expected.email);
            expect(after).toEqual(before);
          } else {
            expect(response.statusCode).toBe(200);
            expect(unescapeHtml(welcome?.[1] ?? '')).toBe(expected.name);
            expect(Boolean(welcome?.[2])).toBe(want === 'inactive');
            if (want === 'inactive') {
              const link = /We sent a link to (.*): your account/s.exec(response.body)?.[1];
              expect(unescapeHtml(link ?? '')).toBe(expected.email);
            }
            expect(after).toEqual(before);
          }
          // Whatever happened, the address cannot sign up again unless it was blocked.
          const again = await send(
            harness.app,
            '/signup',
            [['name', 'Again'], ['email', unique], ...Object.entries(await harness.widget())],
            encoding,
          );
          expect(again.statusCode).toBe(want === 'block' || want === 'review' ? 403 : 400);
        }),
        runs(40),
      );
    },
    FUZZ_TIMEOUT,
  );
});
