import { type DevServer, startDevServer } from '@ct-protected-form/devserver';
import { FIELD_NAMES } from '@ct-protected-form/fields';
import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { buildApp } from '../src/app.js';
import { ADMIN, type AdminSession, loginAsAdmin, SECRET, widgetFields } from './helpers.js';

/** How many runs a property gets; `FUZZ_RUNS=1000` for a longer hunt. */
export const RUNS = Number(process.env.FUZZ_RUNS) || undefined;

/** `numRuns` for a property: its own default, or `FUZZ_RUNS` when set. */
export const runs = (numRuns: number): { numRuns: number } => ({ numRuns: RUNS ?? numRuns });

/**
 * The test timeout of a property: 20 s (each run signs and checks a start token, and the whole
 * suite shares two cores), or ten minutes for a `FUZZ_RUNS` hunt.
 */
export const FUZZ_TIMEOUT: number = RUNS ? 600_000 : 20_000;

/** A recognisable access key: the devserver accepts it, and no page or log line may ever show it. */
export const KEY = 'fuzz7key3secret9example';

export const POST = 'tomatoes-on-a-balcony';

/** Markup and quotes that break out of an element or an attribute when a view forgets to escape. */
export const MARKUP = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' onmouseover='alert(1)",
  '" autofocus onfocus="alert(1)',
  '</textarea><script>alert(1)</script>',
  '<!--',
  '&lt;b&gt;',
  '&amp;',
  '&#0;',
  '<ct-protected-form>',
  '<',
  '>',
];

/** Text a visitor can type or forge: any unicode, NUL and control characters, lone surrogates, markup, huge values. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string() },
  { weight: 2, arbitrary: fc.string({ unit: 'binary' }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme' }) },
  {
    weight: 1,
    arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)) }),
  },
  {
    weight: 1,
    arbitrary: fc.string({
      unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
    }),
  },
  {
    weight: 3,
    arbitrary: fc
      .array(
        fc.oneof(
          fc.constantFrom(...MARKUP, '\u0000', '\uD83C\uDF45', '\uD800', '\n\n', '\r\n', ' '),
          fc.string(),
        ),
        {
          maxLength: 6,
        },
      )
      .map((parts) => parts.join('')),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom('a', '<', '"', '\u0000', '\uD83C\uDF45', '€'),
        fc.integer({ min: 90, max: 6_000 }),
      )
      .map(([c, n]) => c.repeat(n)),
  },
);

/** A string that passes the app's own checks once trimmed: what the round trips need. */
export const name: fc.Arbitrary<string> = hostileText
  .map((text) => text.trim().slice(0, 90))
  .filter((text) => text !== '' && !/^[\uDC00-\uDFFF]/.test(text));

export const message: fc.Arbitrary<string> = hostileText
  .map((text) => text.trim().slice(0, 4_900))
  .filter((text) => text !== '');

/** A valid address whose local part is anything but whitespace and `@`: quotes, `<`, NUL, surrogates. */
export const email: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(
      fc.stringMatching(/^[a-z0-9.]{1,20}$/),
      fc.string({ minLength: 1, maxLength: 30, unit: 'binary' }),
      fc.constantFrom('"><img src=x onerror=alert(1)>', "o'brien", '<b>', 'a\u0000b', 'x\uD800y', '&amp;'),
    ),
    fc.constantFrom('example.com', 'example.org', 'b\u00fccher.example'),
  )
  .map(([local, domain]) => `${local.replace(/[\s@]/g, '')}@${domain}`)
  .filter((address) => /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,63}$/.test(address));

/** Tags the site's own views write; any other tag in a page came from a visitor. */
const TAGS = new Set(
  'html head meta title link script body header a nav main footer code h1 h2 p ul ol li div strong span section article form input label textarea button ct-protected-form table thead tbody tr th td br'.split(
    ' ',
  ),
);
/** Attributes the views write; an event handler or anything else means an attribute value broke out. */
const ATTRIBUTES = new Set(
  'lang charset name content rel href src defer class id role method action type value required maxlength autocomplete rows detector-src start-token-url honeypot'.split(
    ' ',
  ),
);

/**
 * Fails unless every `<` of the page starts one of the views' own tags, with only the views' own
 * attributes in double quotes, and the only script is the widget's: what visitor input that was
 * escaped leaves behind.
 */
export function expectSafeHtml(body: string): void {
  const chunks = body.split('<').slice(1);
  for (const chunk of chunks) {
    if (chunk.startsWith('!doctype html>')) continue;
    const tag = /^\/?([a-z][a-z0-9-]*)((?:\s+[a-z-]+(?:="[^"<>]*")?)*)\s*>/.exec(chunk);
    expect(tag, `a raw "<" in the page: <${chunk.slice(0, 80)}`).not.toBeNull();
    if (!tag) return;
    expect(TAGS.has(tag[1] ?? ''), `unexpected tag <${tag[1]}>`).toBe(true);
    for (const [, attribute] of (tag[2] ?? '').matchAll(/\s+([a-z-]+)(?:="[^"]*")?/g)) {
      expect(
        ATTRIBUTES.has(attribute ?? ''),
        `unexpected attribute ${attribute} in <${chunk.slice(0, 80)}`,
      ).toBe(true);
    }
  }
  expect(body.match(/<script/g)?.length ?? 0).toBeLessThanOrEqual(1);
  if (body.includes('<script'))
    expect(body).toContain('<script src="/assets/ct-protected-form.min.js" defer></script>');
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};

/** Undoes the views' escaping. */
export function unescapeHtml(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] ?? entity);
}

/** What `<input name>` or `<textarea name>` of the form in the page was filled with. */
export function refilled(body: string, field: 'name' | 'email' | 'message'): string | undefined {
  const found =
    field === 'message'
      ? /<textarea name="message"[^>]*>([^<]*)<\/textarea>/.exec(body)
      : new RegExp(`<input name="${field}"[^>]* value="([^"]*)">`).exec(body);
  return found?.[1] === undefined ? undefined : unescapeHtml(found[1]);
}

/**
 * The id of the newest entry of a kind (`comment` or `user`) in the moderation queue, which lists
 * them oldest first. Visitors are never shown the id of what they sent; the queue is.
 */
export function newestPending(queue: string, kind: 'comment' | 'user'): number {
  const ids = [...queue.matchAll(new RegExp(` id="pending-${kind}-(\\d+)"`, 'g'))].map((match) =>
    Number(match[1]),
  );
  return ids.at(-1) ?? Number.NaN;
}

/** The author and paragraphs of the element with this id (a comment or a moderation entry). */
export function shownEntry(
  body: string,
  id: string,
): { name: string; email?: string; paragraphs: string[] } | undefined {
  const start = body.indexOf(`id="${id}"`);
  if (start === -1) return undefined;
  const entry = body.slice(start, body.indexOf('</li>', start));
  const author = /<strong[^>]*>([^<]*)<\/strong>/.exec(entry)?.[1];
  const text = /<div class="comment-text">(.*)<\/div>/s.exec(entry)?.[1] ?? '';
  const paragraphs = [...text.matchAll(/<p>([^<]*)<\/p>/g)].map((match) => unescapeHtml(match[1] ?? ''));
  // The moderation queue shows the address: `<strong>name</strong> &lt;email&gt; · 2025-05-12 14:03 UTC`.
  const address = /<\/strong> &lt;(.*)&gt; · \d{4}-\d\d-\d\d \d\d:\d\d UTC/s.exec(entry)?.[1];
  return {
    name: unescapeHtml(author ?? ''),
    ...(address === undefined ? {} : { email: unescapeHtml(address) }),
    paragraphs,
  };
}

/** How the views show a message: one `<p>` per paragraph, apart where a line is blank (LF or CRLF). */
export function paragraphs(text: string): string[] {
  return text.split(/(?:\r\n|\r(?!\n)|\n){2,}/);
}

export interface FuzzHarness {
  devserver: DevServer;
  app: FastifyInstance;
  /** Every line the app logged, at every level. */
  logLines: string[];
  /** A logged-in administrator. */
  admin: AdminSession;
  /** The hidden fields of a browser that ran the widget. */
  widget(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/**
 * An app (data in memory) that logs everything, against a devserver that accepts {@link KEY} only
 * (or, with `keyRefused`, another key only).
 */
export async function startFuzzHarness(options: { keyRefused?: boolean } = {}): Promise<FuzzHarness> {
  const devserver = await startDevServer({ authKeys: [options.keyRefused ? 'another-key' : KEY] });
  const logLines: string[] = [];
  const app = await buildApp({
    authKey: KEY,
    endpoint: devserver.apiUrl,
    detectorSrc: devserver.detectorUrl,
    startTokenSecret: SECRET,
    admin: ADMIN,
    logger: { level: 'trace', stream: { write: (line: string) => logLines.push(line) } },
  });
  return {
    devserver,
    app,
    logLines,
    admin: await loginAsAdmin(app),
    widget: () => widgetFields(devserver),
    async close() {
      await app.close();
      await devserver.close();
    },
  };
}

/** Fails if the key is anywhere in a response (body or headers) or the log. */
export function expectNoKey(response: LightMyRequestResponse, logLines: readonly string[]): void {
  expect(response.body).not.toContain(KEY);
  expect(JSON.stringify(response.headers)).not.toContain(KEY);
  for (const line of logLines) expect(line).not.toContain(KEY);
}

/** Field names a parser can trip on, the hidden fields included. */
export const fieldName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('post', 'name', 'email', 'message', 'action', '__proto__', 'constructor', 'toString'),
  fc.constantFrom(...FIELD_NAMES),
  fc.string({ maxLength: 10 }),
);

/** A urlencoded body from ordered fields (repeated names stay repeated). */
export function urlencoded(fields: readonly (readonly [string, string])[]): string {
  const params = new URLSearchParams();
  for (const [field, value] of fields) params.append(field, value);
  return params.toString();
}

/** A multipart body, built the way a browser builds it. */
export async function multipart(
  fields: readonly (readonly [string, string])[],
): Promise<{ body: Buffer; type: string }> {
  const form = new FormData();
  for (const [field, value] of fields) form.append(field, value);
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return {
    body: Buffer.from(await request.arrayBuffer()),
    type: request.headers.get('content-type') ?? 'multipart/form-data',
  };
}

/** How a form travels: urlencoded, multipart, JSON (which can carry lone surrogates), or a lying content type. */
export const encoding = fc.constantFrom('urlencoded', 'multipart', 'json', 'text/plain', 'none', 'garbage');
export type Encoding = typeof encoding extends fc.Arbitrary<infer T> ? T : never;

/**
 * The text the app receives for a value sent with an encoding: well formed (lone surrogates become
 * U+FFFD, as a form parser makes them), with CRLF line ends from multipart, as browsers send them.
 */
export function received(value: string, how: Encoding): string {
  const wellFormed = value.toWellFormed();
  return how === 'multipart' ? wellFormed.replace(/\r\n|\r|\n/g, '\r\n') : wellFormed;
}

/**
 * Sends fields with an encoding: a repeated name becomes an array in JSON. `extraHeaders` carries
 * an administrator's cookie and CSRF token.
 */
export async function send(
  app: FastifyInstance,
  url: string,
  fields: readonly (readonly [string, string])[],
  how: Encoding,
  extraHeaders: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { 'user-agent': 'Mozilla/5.0 (fuzz)', ...extraHeaders };
  let payload: string | Buffer;
  if (how === 'multipart') {
    const built = await multipart(fields);
    payload = built.body;
    headers['content-type'] = built.type;
  } else if (how === 'json') {
    const object: Record<string, string | string[]> = {};
    for (const [field, value] of fields) {
      const previous = Object.hasOwn(object, field) ? object[field] : undefined;
      const next = previous === undefined ? value : [previous, value].flat();
      Object.defineProperty(object, field, {
        value: next,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    payload = JSON.stringify(object);
    headers['content-type'] = 'application/json';
  } else {
    payload = urlencoded(fields);
    if (how === 'urlencoded') headers['content-type'] = 'application/x-www-form-urlencoded';
    else if (how === 'text/plain') headers['content-type'] = 'text/plain';
    else if (how === 'garbage')
      headers['content-type'] = 'application/x-www-form-urlencoded; charset=latin-9"';
  }
  return app.inject({ method: 'POST', url, headers, payload });
}
