import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encoding,
  expectNoKey,
  expectSafeHtml,
  FUZZ_TIMEOUT,
  type FuzzHarness,
  hostileText,
  POST,
  runs,
  send,
  startFuzzHarness,
} from './hostile.js';

let harness: FuzzHarness;
beforeAll(async () => {
  harness = await startFuzzHarness();
});
afterAll(() => harness?.close());

type Kind = 'comments' | 'users';

/** What the queue holds, by kind: the ids of the pending entries. */
async function queue(): Promise<Record<Kind, number[]>> {
  const body = (await harness.admin.get('/moderation')).body;
  const ids = (kind: string) =>
    [...body.matchAll(new RegExp(` id="pending-${kind}-(\\d+)"`, 'g'))].map((match) => Number(match[1]));
  return { comments: ids('comment'), users: ids('user') };
}

let serial = 0;
/** Puts one comment and one sign-up in the queue; resolves to their ids. */
async function hold(): Promise<Record<Kind, number>> {
  await send(
    harness.app,
    '/comments',
    [
      ['post', POST],
      ['name', 'Ada'],
      ['email', 'ada@example.com'],
      ['message', `moderate_me ${++serial}`],
      ...Object.entries(await harness.widget()),
    ],
    'urlencoded',
  );
  const address = `held${serial}@example.com`;
  // A sign-up CleanTalk could not check waits for a moderator (an unsure answer refuses it).
  harness.devserver.setFault({ status: 503, times: 1 });
  const before = await queue();
  await send(
    harness.app,
    '/signup',
    [['name', 'Grace'], ['email', address], ...Object.entries(await harness.widget())],
    'urlencoded',
  );
  const after = await queue();
  return {
    comments: after.comments.at(-1) ?? Number.NaN,
    users: after.users.find((id) => !before.users.includes(id)) ?? Number.NaN,
  };
}

/** How an id is written in the path: `own` is the entry's own id; the others look like it, or are anything. */
const idShape: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constant('own') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '0own',
      'own.0',
      'owne0',
      '+own',
      '%20own',
      'own%00',
      '-own',
      '0',
      '-0',
      '9'.repeat(400),
      '1e400',
      'NaN',
      'Infinity',
      '__proto__',
      '%',
      '%ff',
      '%E0%A4%A',
      'own%2F..',
    ),
  },
  { weight: 1, arbitrary: fc.nat().map(String) },
  {
    weight: 1,
    arbitrary: hostileText
      .filter((text) => text !== '')
      .map((text) => encodeURIComponent(text.toWellFormed())),
  },
);

const actionValues = fc.oneof(
  fc.constantFrom(['approve'], ['reject'], [' approve\n'], [], ['approve', 'reject'], ['', 'approve']),
  fc.array(fc.oneof(fc.constantFrom('approve', 'reject', 'APPROVE', 'delete'), hostileText), {
    maxLength: 3,
  }),
);

describe('the moderation queue under hostile actions', () => {
  it(
    'moves exactly the addressed pending entry, once, and answers everything else with a 4xx',
    async () => {
      const held = await hold();
      const kind = fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom<Kind>('comments', 'users') },
        { weight: 1, arbitrary: fc.constantFrom('comment', 'Users', '__proto__', '..', '%2e%2e') },
      );
      await fc.assert(
        fc.asyncProperty(
          kind,
          fc.boolean(),
          idShape,
          actionValues,
          encoding,
          fc.boolean(),
          async (which, ownKind, shape, actions, how, refill) => {
            const pending = refill ? await hold() : held;
            const target = which === 'comments' || which === 'users' ? which : 'comments';
            const own = ownKind ? pending[target] : pending[target === 'comments' ? 'users' : 'comments'];
            const id = shape.replaceAll('own', String(own));
            const before = await queue();
            const response = await send(
              harness.app,
              `/moderation/${which}/${id}`,
              actions.map((value) => ['action', value] as const),
              how,
              harness.admin.headers,
            );
            expectNoKey(response, harness.logLines);
            expect(response.statusCode, `POST /moderation/${which}/${id}`).toBeLessThan(500);
            const after = await queue();

            const addressed =
              (which === 'comments' || which === 'users') &&
              /^[1-9]\d*$/.test(id) &&
              Number.isSafeInteger(Number(id));
            const action = (actions[0] ?? '').toWellFormed().trim();
            const known = action === 'approve' || action === 'reject';
            const forms = how === 'urlencoded' || how === 'multipart' || how === 'json';
            if (response.statusCode === 303) {
              expect(addressed && known).toBe(true);
              const key = which as Kind;
              const wasPending = before[key].includes(Number(id));
              // The held sign-ups are ones CleanTalk could not check: no feedback to send for them.
              const unchecked = key === 'users' ? '-unchecked' : '';
              expect(response.headers.location).toBe(
                wasPending
                  ? `/moderation?done=${action === 'approve' ? 'approved' : 'rejected'}${unchecked}`
                  : '/moderation?done=gone',
              );
              expect(after).toEqual({
                ...before,
                [key]: before[key].filter((entry) => entry !== Number(id)),
              });
              expectSafeHtml((await harness.admin.get(String(response.headers.location))).body);
            } else {
              expect(after).toEqual(before);
              if (forms) {
                // A body the app can read: the address decides first, then the action.
                // Fastify answers a malformed escape with 400 and a parameter over 100 characters with 414.
                if (addressed) expect(response.statusCode).toBe(400);
                else expect([400, 404, 414]).toContain(response.statusCode);
                if (response.statusCode === 400) expect(response.body).toMatch(/Unknown action|Bad Request/);
                expect(addressed && known).toBe(false);
              } else {
                // A body it cannot read is refused before the route looks at the address.
                expect([400, 404, 414, 415]).toContain(response.statusCode);
              }
            }
          },
        ),
        runs(60),
      );
    },
    FUZZ_TIMEOUT,
  );
});
