import { FIELDS } from '@ct-protected-form/fields';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './helpers.js';

// The bots of issue "local defences a bot cannot opt out of", each written for this very site: it
// read the bundle, knows the hidden fields and the start-token route. None is published; the log
// says why. A person who waits a few seconds and types is.

const POST = 'tomatoes-on-a-balcony';
const TOKEN_ROUTE = '/ct-protected-form/start-token';

let harness: Harness;
beforeEach(async () => {
  harness = await startHarness();
});
afterEach(async () => {
  await harness.close();
});

/** A visitor with a cookie jar, from one address. */
function visitor(app: FastifyInstance, remoteAddress = '198.51.100.7') {
  let cookie: string | undefined;
  return {
    get cookie() {
      return cookie;
    },
    async token(): Promise<{ status: number; token?: string }> {
      const response = await app.inject({
        method: 'GET',
        url: TOKEN_ROUTE,
        remoteAddress,
        headers: cookie ? { cookie } : {},
      });
      const set = response.headers['set-cookie'];
      if (typeof set === 'string') cookie = set.split(';')[0];
      return response.statusCode === 200
        ? { status: 200, token: response.json().token }
        : { status: response.statusCode };
    },
    comment(fields: Record<string, string>, message = 'Basil next to the tomatoes keeps the aphids away.') {
      return app.inject({
        method: 'POST',
        url: '/comments',
        remoteAddress,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'user-agent': 'Mozilla/5.0 (X11; Linux x86_64)',
          ...(cookie ? { cookie } : {}),
        },
        payload: new URLSearchParams({
          post: POST,
          name: 'Sam',
          email: 'sam@example.com',
          message,
          ...fields,
        }).toString(),
      });
    },
  };
}

/** The widget's client-side fields for a page opened `seconds` ago, as a bot reading the bundle makes them. */
function clientFields(seconds: number): Record<string, string> {
  const startedAt = String(Date.now() - seconds * 1000);
  return {
    [FIELDS.startedAt]: startedAt,
    [FIELDS.submittedAt]: String(Date.now()),
    [FIELDS.timeZone]: 'Europe/Berlin',
    [FIELDS.tzOffset]: '60',
    [FIELDS.pageUrl]: `http://localhost/posts/${POST}`,
  };
}

/** The newest line of /log. */
async function newestLogLine(): Promise<string> {
  const log = (await harness.admin.get('/log')).body;
  const row = /<tbody>\s*(<tr[\s\S]*?<\/tr>)/.exec(log)?.[1];
  if (!row) throw new Error('the log is empty');
  return row.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

/** The comment was not published: held (303 to ?held) or refused (403). */
function expectNotPublished(response: { statusCode: number; headers: Record<string, unknown> }) {
  if (response.statusCode === 303) expect(String(response.headers.location)).toMatch(/\?held#respond$/);
  else expect(response.statusCode).toBe(403);
}

describe('bots written for this site', () => {
  it('a replayed body with the start token left out is held or refused: "start token: missing"', async () => {
    const bot = visitor(harness.app);
    expectNotPublished(await bot.comment(clientFields(45)));
    expect(await newestLogLine()).toMatch(/(review|block).*start token: missing/);
  });

  it('a forged client clock with a computed ct_js (as older widgets sent) proves nothing and is not timed by it', async () => {
    const bot = visitor(harness.app);
    const response = await bot.comment({
      ...clientFields(600),
      ct_js: '1x9k2fa',
      [FIELDS.submittedAt]: String(Date.now()),
    });
    expectNotPublished(response);
    const sent = harness.devserver.lastRequest('check_message')?.body as Record<string, unknown>;
    expect(sent).toMatchObject({ js_on: 0 });
    expect(await newestLogLine()).toMatch(/(review|block).*start token: missing/);
  });

  it('a random 64-character detector token is a signal for CleanTalk, not a pass', async () => {
    const bot = visitor(harness.app);
    const random = 'Ab3_-'.repeat(13).slice(0, 64);
    expectNotPublished(await bot.comment({ ...clientFields(30), [FIELDS.eventToken]: random }));
    expect(await newestLogLine()).toMatch(/block.*Please enable JavaScript.*start token: missing/);
  });

  it('a random start token of the right shape is malformed', async () => {
    const bot = visitor(harness.app);
    await bot.token();
    const forged = 'x'.repeat(100);
    expectNotPublished(await bot.comment({ ...clientFields(30), [FIELDS.startToken]: forged }));
    expect(await newestLogLine()).toMatch(/(review|block).*start token: (malformed|tampered)/);
  });

  it('a stockpiled token used from another session is foreign, and a used one replayed', async () => {
    const harvester = visitor(harness.app, '198.51.100.20');
    const stock = [];
    for (let i = 0; i < 3; i++) stock.push((await harvester.token()).token ?? '');
    await new Promise((resolve) => setTimeout(resolve, 3_100));

    const elsewhere = visitor(harness.app, '203.0.113.99');
    await elsewhere.token(); // a session of its own
    expectNotPublished(await elsewhere.comment({ ...clientFields(60), [FIELDS.startToken]: stock[0] ?? '' }));
    expect(await newestLogLine()).toMatch(/(review|block).*start token: foreign/);

    // In its own session, a token works once; the same one again is a replay.
    expect(
      (await harvester.comment({ ...clientFields(60), [FIELDS.startToken]: stock[1] ?? '' })).statusCode,
    ).toBe(303);
    expectNotPublished(
      await harvester.comment({ ...clientFields(60), [FIELDS.startToken]: stock[1] ?? '' }, 'Same again.'),
    );
    expect(await newestLogLine()).toMatch(/(review|block).*start token: replayed/);
  }, 10_000);

  it('a flood of the token route gets 429 with Retry-After, and a post without a token is held', async () => {
    const flood = [];
    for (let i = 0; i < 40; i++) {
      flood.push(await harness.app.inject({ method: 'GET', url: TOKEN_ROUTE, remoteAddress: '192.0.2.66' }));
    }
    const refused = flood.filter((response) => response.statusCode === 429);
    expect(flood.filter((response) => response.statusCode === 200)).toHaveLength(30);
    expect(refused).toHaveLength(10);
    expect(Number(refused[0]?.headers['retry-after'])).toBeGreaterThan(0);

    const bot = visitor(harness.app, '192.0.2.66');
    expect((await bot.token()).status).toBe(429);
    expectNotPublished(await bot.comment(clientFields(20)));
    expect(await newestLogLine()).toMatch(/(review|block).*start token: missing/);
  });

  it('a token posted back at once is early', async () => {
    const bot = visitor(harness.app);
    const { token = '' } = await bot.token();
    expectNotPublished(await bot.comment({ ...clientFields(20), [FIELDS.startToken]: token }));
    expect(await newestLogLine()).toMatch(/(review|block).*start token: early/);
  });
});

describe('a person', () => {
  it('who waits a few seconds and types is published', async () => {
    const person = visitor(harness.app, '203.0.113.50');
    const { token = '' } = await person.token();
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    const response = await person.comment({ ...clientFields(4), [FIELDS.startToken]: token });
    expect(response.statusCode).toBe(303);
    expect(String(response.headers.location)).toMatch(new RegExp(`^/posts/${POST}#comment-\\d+$`));
    const sent = harness.devserver.lastRequest('check_message')?.body as Record<string, unknown>;
    expect(sent.js_on).toBe(1);
    expect(sent.submit_time).toBeGreaterThanOrEqual(3);
    expect(await newestLogLine()).toMatch(/allow/);
    expect(await newestLogLine()).not.toMatch(/start token/);
  }, 10_000);
});
