import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type FormFields,
  mediaType,
  parseFormBody,
  RequestError,
} from '../../../src/adapters/shared/index.js';
import { FUZZ_TIMEOUT, hostileKey, hostileString, runs } from '../../helpers/hostile-values.js';

const encoder = new TextEncoder();

/** A content type: the two form types in any spelling and with any parameters, or anything else. */
const contentType: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'application/x-www-form-urlencoded',
    'application/x-www-form-urlencoded; charset=UTF-8',
    'APPLICATION/X-WWW-FORM-URLENCODED',
    'multipart/form-data',
    'multipart/form-data; boundary=xyz',
    'multipart/form-data; boundary="xyz"',
    'multipart/form-data;boundary=',
    'multipart/form-data; charset=utf-8',
    'application/json',
    'text/plain',
    '',
    ';',
    ' ; boundary=xyz',
  ),
  fc
    .tuple(
      fc.constantFrom('application/x-www-form-urlencoded', 'multipart/form-data'),
      fc.string({ maxLength: 40 }),
    )
    .map(([type, params]) => `${type};${params}`),
  fc.string({ maxLength: 60 }),
);

/** Form fields as a browser would send them, including names and values that tripped parsers before. */
const entries = fc.array(
  fc.tuple(
    hostileKey,
    hostileString.filter((s) => s.length < 2_000),
  ),
  {
    maxLength: 20,
  },
);

/** A multipart body from entries, as a browser builds it, with its content type. */
async function multipartOf(fields: [string, string][]): Promise<{ body: Uint8Array; contentType: string }> {
  const form = new FormData();
  for (const [name, value] of fields) form.append(name, value);
  const request = new Request('http://x/', { method: 'POST', body: form });
  return {
    body: new Uint8Array(await request.arrayBuffer()),
    contentType: request.headers.get('content-type') ?? '',
  };
}

/** A body: random bytes, a form in either encoding (maybe cut short or flipped), or many fields. */
const body = fc.oneof(
  fc.uint8Array({ maxLength: 4_000 }).map((bytes) => ({ kind: 'bytes' as const, bytes })),
  fc.record({ kind: fc.constant('urlencoded' as const), fields: entries }),
  fc.record({
    kind: fc.constant('multipart' as const),
    fields: entries,
    cut: fc.option(fc.nat(), { nil: undefined }),
    flip: fc.option(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { nil: undefined }),
  }),
  fc.integer({ min: 990, max: 1_020 }).map((count) => ({ kind: 'many' as const, count })),
);

type Body = typeof body extends fc.Arbitrary<infer T> ? T : never;

async function build(spec: Body, type: string): Promise<{ bytes: Uint8Array; contentType: string }> {
  switch (spec.kind) {
    case 'bytes':
      return { bytes: spec.bytes, contentType: type };
    case 'urlencoded':
      return { bytes: encoder.encode(new URLSearchParams(spec.fields).toString()), contentType: type };
    case 'many':
      return {
        bytes: encoder.encode(Array.from({ length: spec.count }, (_, i) => `f${i}=1`).join('&')),
        contentType: type,
      };
    default: {
      const built = await multipartOf(spec.fields);
      let bytes = built.body;
      if (spec.cut !== undefined) bytes = bytes.subarray(0, spec.cut % (bytes.length + 1));
      if (spec.flip !== undefined && bytes.length > 0) {
        bytes = bytes.slice();
        const at = spec.flip[0] % bytes.length;
        bytes[at] = (bytes[at] ?? 0) ^ spec.flip[1];
      }
      // Half the time with its own content type, so the boundary matches.
      return {
        bytes,
        contentType: type.startsWith('multipart/form-data; boundary=') ? type : built.contentType,
      };
    }
  }
}

function expectFormFields(fields: FormFields): void {
  expect(Object.getPrototypeOf(fields)).toBeNull();
  for (const value of Object.values(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      expect(typeof item === 'string' || item instanceof File).toBe(true);
    }
  }
}

describe('parseFormBody with any bytes and any content type', () => {
  it(
    'returns prototype-free fields or throws the documented 400, 413 or 415 RequestError',
    async () => {
      await fc.assert(
        fc.asyncProperty(body, contentType, async (spec, type) => {
          const { bytes, contentType: sent } = await build(spec, type);
          let fields: FormFields;
          try {
            fields = await parseFormBody(bytes, sent);
          } catch (error) {
            if (!(error instanceof RequestError)) throw error;
            expect([400, 413, 415]).toContain(error.statusCode);
            expect(error.status).toBe(error.statusCode);
            const type = mediaType(sent);
            const isForm = type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data';
            expect(error.statusCode === 415).toBe(!isForm);
            return;
          }
          expectFormFields(fields);
        }),
        runs(300),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'gives back every urlencoded field in order, repeated ones as arrays',
    async () => {
      await fc.assert(
        fc.asyncProperty(entries, async (fields) => {
          const bytes = encoder.encode(new URLSearchParams(fields).toString());
          const parsed = await parseFormBody(bytes, 'application/x-www-form-urlencoded');
          const expected: Record<string, string[]> = Object.create(null);
          // URLSearchParams repairs lone surrogates on the way out, as a browser does.
          for (const [name, value] of fields) {
            const key = name.toWellFormed();
            expected[key] = [...(expected[key] ?? []), value.toWellFormed()];
          }
          expect(Object.keys(parsed)).toEqual(Object.keys(expected));
          for (const [name, values] of Object.entries(expected)) {
            expect(parsed[name]).toEqual(values.length === 1 ? values[0] : values);
          }
        }),
        runs(150),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'gives back every field of a multipart body a browser built',
    async () => {
      await fc.assert(
        fc.asyncProperty(entries, async (fields) => {
          const built = await multipartOf(fields);
          const parsed = await parseFormBody(built.body, built.contentType);
          expectFormFields(parsed);
          expect(Object.values(parsed).flat()).toHaveLength(fields.length);
        }),
        runs(60),
      );
    },
    FUZZ_TIMEOUT,
  );
});
