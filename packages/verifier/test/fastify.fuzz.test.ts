import { DEFAULT_AUTH_KEY } from '@ct-protected-form/devserver';
import { FIELD_NAMES } from '@ct-protected-form/fields';
import ctProtectedForm from '@ct-protected-form/verifier/fastify';
import fc from 'fast-check';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FUZZ_TIMEOUT,
  hiddenFields,
  hostileKey,
  hostileString,
  ipLike,
  runs,
  validIp,
} from './helpers/hostile-values.js';
import { useLocalCleanTalk } from './helpers/local-cleantalk.js';
import { contactForm, multipart, urlencoded } from './helpers/widget-form.js';

const local = useLocalCleanTalk([DEFAULT_AUTH_KEY]);
let app: FastifyInstance;
/** What the last handler saw as its body. */
let seen: unknown;

beforeAll(async () => {
  app = Fastify({ bodyLimit: 64 * 1024 });
  await app.register(ctProtectedForm, {
    authKey: DEFAULT_AUTH_KEY,
    endpoint: local.server.apiUrl,
    timeoutMs: 2000,
    logger: { warn() {}, error() {} },
  });
  const handler = async (request: { body: unknown; ctVerdict: unknown }) => {
    seen = request.body;
    return { ok: true };
  };
  app.post('/contact', { config: { ctProtectedForm: { commentType: 'contact' } } }, handler);
  app.post('/signup', { config: { ctProtectedForm: { method: 'check_newuser' } } }, handler);
  app.post('/login', { config: { ctProtectedForm: { method: 'check_bot' } } }, handler);
  await app.ready();
});
afterAll(() => app?.close());

/** Text values a form can carry, short enough for the body limit most of the time. */
const formValue = hostileString.map((text) => text.slice(0, 20_000).toWellFormed());

/** The fields of a form: the widget's hidden ones in any state, plus anything else. */
const formFields = fc
  .tuple(hiddenFields, fc.array(fc.tuple(hostileKey, formValue), { maxLength: 8 }))
  .map(([hidden, extra]) => {
    const entries: [string, string][] = [...Object.entries(contactForm())];
    for (const [name, value] of Object.entries(hidden)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (typeof item === 'string') entries.push([name, item.slice(0, 20_000).toWellFormed()]);
      }
    }
    return [...entries, ...extra];
  });

/** A payload and the content type it is sent with (which may lie about it). */
const payload = fc.oneof(
  formFields.map((fields) => ({ body: urlencoded(fields), type: 'application/x-www-form-urlencoded' })),
  formFields.map((fields) => ({ kind: 'multipart' as const, fields })),
  fc.jsonValue().map((value) => ({ body: JSON.stringify(value) ?? 'null', type: 'application/json' })),
  fc
    .integer({ min: 1, max: 30_000 })
    .map((depth) => ({
      body: `{"message":${'['.repeat(depth)}${']'.repeat(depth)}}`,
      type: 'application/json',
    })),
  fc.record({
    body: fc.oneof(
      fc.string(),
      fc.uint8Array({ maxLength: 2_000 }).map((bytes) => Buffer.from(bytes)),
    ),
    type: fc.oneof(
      fc.constantFrom(
        'application/x-www-form-urlencoded',
        'multipart/form-data',
        'multipart/form-data; boundary=x',
        'application/json',
        'text/plain',
        'application/octet-stream',
      ),
      fc.stringMatching(/^[\x20-\x7e]{0,40}$/),
    ),
  }),
  fc.constant({ body: `message=${'a'.repeat(70_000)}`, type: 'application/x-www-form-urlencoded' }),
);

/** Extra request headers with any printable values, secrets and forwarding headers included. */
const headers = fc.dictionary(
  fc.constantFrom(
    'user-agent',
    'referer',
    'accept',
    'cookie',
    'authorization',
    'x-forwarded-for',
    'x-real-ip',
    'x-api-key',
    'accept-language',
    'x-anything',
  ),
  fc.oneof(
    fc.stringMatching(/^[\x20-\x7e]{0,200}$/),
    fc.constantFrom(
      'application/json',
      'text/html',
      '*/*',
      'application/json;q=0',
      '*/*;q=2, text/html;q=NaN',
    ),
  ),
  { maxKeys: 6 },
);

const route = fc.constantFrom('/contact', '/signup', '/login');
const remoteAddress = fc.oneof({ weight: 4, arbitrary: validIp }, { weight: 1, arbitrary: ipLike });

describe('Fastify plugin under hostile requests', () => {
  it(
    'answers every request with 200, 403 or a 4xx for the request, never a 5xx, never the key',
    async () => {
      await fc.assert(
        fc.asyncProperty(route, payload, headers, remoteAddress, async (url, sent, extra, address) => {
          seen = undefined;
          let body: string | Buffer;
          let type: string;
          if ('kind' in sent) {
            const built = await multipart(Object.fromEntries(sent.fields));
            body = built.body;
            type = built.contentType;
          } else {
            body = sent.body;
            type = sent.type;
          }
          const response = await app.inject({
            method: 'POST',
            url,
            headers: { ...extra, 'content-type': type },
            payload: body,
            remoteAddress: address,
          });
          expect([200, 400, 403, 413, 415]).toContain(response.statusCode);
          expect(response.body).not.toContain(DEFAULT_AUTH_KEY);
          if (response.statusCode === 200) {
            // The handler ran, and never saw the contract's hidden fields.
            expect(response.json()).toEqual({ ok: true });
            if (seen && typeof seen === 'object' && !Array.isArray(seen)) {
              for (const name of FIELD_NAMES) expect(Object.hasOwn(seen, name)).toBe(false);
            }
          } else {
            expect(seen).toBeUndefined();
          }
          if (response.statusCode === 403) expect(response.body).not.toMatch(/<script/i);
        }),
        runs(150),
      );
    },
    FUZZ_TIMEOUT,
  );
});
