import { FIELD_NAMES, FIELDS } from '@ct-protected-form/fields';
import fc from 'fast-check';

/** How many runs a property gets; `FUZZ_RUNS=1000` for a longer hunt. */
export const RUNS = Number(process.env.FUZZ_RUNS) || undefined;

/** `numRuns` for a property: its own default, or `FUZZ_RUNS` when set. */
export const runs = (numRuns: number): { numRuns: number } => ({ numRuns: RUNS ?? numRuns });

/** The test timeout of a property: vitest's default, or ten minutes for a `FUZZ_RUNS` hunt. */
export const FUZZ_TIMEOUT: number | undefined = RUNS ? 600_000 : undefined;

/** Strings a visitor or a broken server can send: control characters, lone surrogates, markup, prototype names. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)) }),
  fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) }),
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'valueOf',
    'hasOwnProperty',
    '<script>alert(1)</script>',
    '&lt;b&gt;x&lt;/b&gt;',
    '&#60;&#x3e;&#0;&#xd800;&#1114112;',
    '*** <p>x</p> ***',
    '\uFEFF',
    '\u0000',
    'javascript:alert(1)',
    'http://[::1',
    'NaN',
    '-1',
    '1e400',
  ),
  // Megabyte-class values: one repeated character, cheap to build.
  fc
    .tuple(fc.constantFrom('a', ' ', '\n', '\uD800', '<', '&', '€'), fc.integer({ min: 1_000, max: 120_000 }))
    .map(([c, n]) => c.repeat(n)),
);

/** Object keys that have tripped parsers before. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'length', '0'),
  fc.constantFrom(...FIELD_NAMES),
);

/** Any value a parser could hand over: nested objects, arrays, maps, boxed values, null prototypes, NaN. */
export const hostileValue: fc.Arbitrary<unknown> = fc.anything({
  key: hostileKey,
  values: [
    hostileString,
    fc.double(),
    fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 1e21, 2 ** 53 + 1),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
  ],
  maxDepth: 3,
  maxKeys: 6,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
});

/**
 * Arrays nested `depth` deep around `inner`: what `[[[…]]]` in a JSON body parses to. Printed as
 * `nested(depth)` in a counterexample, which could not print it otherwise.
 */
export function nested(depth: number, inner: unknown = 'x'): unknown {
  let value: unknown = inner;
  for (let i = 0; i < depth; i++) value = [value];
  Object.defineProperty(value, fc.toStringMethod, {
    value: () => `nested(${depth}, ${fc.stringify(inner)})`,
  });
  return value;
}

/** Deeply nested arrays, from a few levels to far past any recursion limit. */
export const deepValue: fc.Arbitrary<unknown> = fc
  .tuple(fc.integer({ min: 1, max: 50_000 }), fc.oneof(fc.constant('x'), fc.constant(undefined)))
  .map(([depth, inner]) => nested(depth, inner));

/** A plausible start time on the visitor's clock, or garbage. */
const timestampText: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: Date.UTC(2019, 0, 1), max: Date.UTC(2201, 0, 1) }).map(String),
  fc.nat().map(String),
  hostileString,
);

/** The widget's hidden fields: well formed, half formed, or any value at all. */
export const hiddenFields: fc.Arbitrary<Record<string, unknown>> = fc
  .record(
    {
      [FIELDS.startedAt]: timestampText,
      [FIELDS.submittedAt]: timestampText,
      [FIELDS.eventToken]: fc.oneof(hostileString, fc.stringMatching(/^[A-Za-z0-9_-]{64}$/)),
      [FIELDS.startToken]: fc.oneof(hostileString, fc.stringMatching(/^[A-Za-z0-9_-]{76}$/)),
      [FIELDS.timeZone]: fc.oneof(hostileString, fc.constantFrom('Europe/Berlin', 'UTC')),
      [FIELDS.tzOffset]: fc.oneof(hostileString, fc.integer({ min: -2000, max: 2000 }).map(String)),
      [FIELDS.pageUrl]: fc.oneof(hostileString, fc.webUrl()),
      [FIELDS.referrer]: fc.oneof(hostileString, fc.webUrl()),
      [FIELDS.honeypot]: fc.oneof(fc.constant(''), hostileString),
    },
    { requiredKeys: [] },
  )
  .chain((fields) =>
    // Sometimes any value at all in any hidden field, including arrays (repeated fields).
    fc
      .dictionary(fc.constantFrom(...FIELD_NAMES), fc.oneof(hostileValue, fc.array(hostileString)), {
        maxKeys: 3,
      })
      .map((wild) => {
        return { ...fields, ...wild };
      }),
  );

/** A parsed form in every shape the verifier accepts, or any value at all. */
export const hostileForm: fc.Arbitrary<unknown> = fc.oneof(
  hiddenFields,
  hiddenFields.map((fields) => new Map(Object.entries(fields))),
  hiddenFields.map((fields) => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(fields))
      if (typeof value === 'string') params.append(name, value);
    return params;
  }),
  hiddenFields.map((fields) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields))
      if (typeof value === 'string') form.append(name, value);
    return form;
  }),
  hiddenFields.map((fields) =>
    Object.assign(Object.create(null), fields, JSON.parse('{"__proto__":{"x":1}}')),
  ),
  fc.dictionary(hostileKey, hostileValue),
  hostileValue,
);

/** A header name: a real one, a secret one, or garbage. */
const headerName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'user-agent',
    'referer',
    'Referer',
    'x-forwarded-for',
    'x-real-ip',
    'cookie',
    'authorization',
    'x-api-key',
    'accept',
    '__proto__',
    'constructor',
  ),
  fc.string({ maxLength: 20 }),
  fc.stringMatching(/^[a-z-]{1,30}$/),
);

/** Request headers in every shape a framework hands over, with array values, numbers and garbage. */
export const hostileHeaders: fc.Arbitrary<unknown> = fc.oneof(
  fc.dictionary(
    headerName,
    fc.oneof(hostileString, fc.array(hostileString, { maxLength: 4 }), fc.integer(), fc.constant(undefined)),
  ),
  fc.array(fc.tuple(headerName, hostileString), { maxLength: 8 }),
  fc
    .array(fc.tuple(fc.stringMatching(/^[a-z-]{1,20}$/), fc.stringMatching(/^[\x20-\x7e]{0,40}$/)), {
      maxLength: 8,
    })
    .map((pairs) => {
      const headers = new Headers();
      for (const [name, value] of pairs) headers.append(name, value);
      return headers;
    }),
  fc.dictionary(headerName, hostileValue),
  hostileValue,
);

/** A visitor IP in any notation the verifier accepts. */
export const validIp: fc.Arbitrary<string> = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.ipV4().map((ip) => `::ffff:${ip}`),
  fc.ipV6().map((ip) => `[${ip}]`),
);

/** An IP-like text: the pieces of addresses put together in any order (zone ids, brackets, ports). */
export const ipLike: fc.Arbitrary<string> = fc
  .array(
    fc.constantFrom(
      '1',
      '255',
      '256',
      '0',
      '00',
      'fe80',
      'ffff',
      ':',
      '::',
      '.',
      '%',
      'eth0',
      '[',
      ']',
      ':80',
      ' ',
    ),
    { minLength: 1, maxLength: 10 },
  )
  .map((parts) => parts.join(''));
