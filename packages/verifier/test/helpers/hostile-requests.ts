import fc from 'fast-check';
import { hiddenFields, hostileKey, hostileString } from './hostile-values.js';
import { contactForm, multipart, urlencoded } from './widget-form.js';

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

/** A request payload and the content type it is sent with (which may lie about it). */
export const payload = fc.oneof(
  formFields.map((fields) => ({ body: urlencoded(fields), type: 'application/x-www-form-urlencoded' })),
  formFields.map((fields) => ({ kind: 'multipart' as const, fields })),
  fc.jsonValue().map((value) => ({ body: JSON.stringify(value) ?? 'null', type: 'application/json' })),
  fc.integer({ min: 1, max: 30_000 }).map((depth) => ({
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
export const headers = fc.dictionary(
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

/** A payload's bytes (a multipart body built the way a browser builds it) and its content type. */
export async function payloadBody(sent: Payload): Promise<{ body: string | Buffer; type: string }> {
  if ('kind' in sent) {
    const built = await multipart(Object.fromEntries(sent.fields));
    return { body: built.body, type: built.contentType };
  }
  return { body: sent.body, type: sent.type };
}

export type Payload = typeof payload extends fc.Arbitrary<infer T> ? T : never;
