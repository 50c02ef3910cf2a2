import { FIELDS } from '@ct-protected-form/fields';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { behaviourSenderInfo, browserSenderInfo } from '../../src/check/browser-signals.js';
import { FUZZ_TIMEOUT, hostileForm, hostileString, hostileValue, runs } from '../helpers/hostile-values.js';

const SECONDS = { min: 1_577_836_800, max: 7_258_118_400 };
const NAME = /^[^\s\p{Cc}\p{Cs}]{1,128}$/u;

/** A number a browser could send, or one no browser would. */
const anyNumber = fc.oneof(
  fc.integer({ min: -2_000_000, max: 2_000_000 }),
  fc.double(),
  fc.integer({ min: SECONDS.min - 10, max: SECONDS.max + 10 }),
  fc.constantFrom(Number.MAX_VALUE, -0, 1e21, 2 ** 53 + 1),
);
/** Each key of a `ct_behaviour` value: well formed, nearly so, or anything at all. */
const nearly = <T>(valid: fc.Arbitrary<T>) => fc.oneof(valid, valid, hostileValue, anyNumber, hostileString);
const behaviour = fc.record(
  {
    p: nearly(fc.integer(SECONDS)),
    k: nearly(fc.oneof(fc.constant(0), fc.integer(SECONDS))),
    m: nearly(
      fc.array(fc.oneof(fc.tuple(anyNumber, anyNumber, anyNumber), hostileValue), { maxLength: 120 }),
    ),
    f: nearly(fc.integer({ min: -1, max: 20 })),
    w: nearly(fc.constantFrom(0, 1)),
    s: nearly(fc.array(anyNumber, { minLength: 3, maxLength: 5 })),
    v: nearly(
      fc.array(fc.oneof(hostileString, fc.stringMatching(/^[a-z_[\]]{1,12}$/), hostileValue), {
        maxLength: 400,
      }),
    ),
    i: nearly(fc.array(fc.oneof(hostileString, fc.stringMatching(/^[a-z_]{1,12}$/)), { maxLength: 40 })),
  },
  { requiredKeys: [] },
);
/** JSON of anything (a bigint as its digits). */
const json = (data: unknown) =>
  JSON.stringify(data, (_key, value) => (typeof value === 'bigint' ? String(value) : value));
/** The field as a browser, a broken proxy or an attacker could send it. */
const field = fc.oneof(
  behaviour.map(json),
  behaviour.map(json),
  hostileString,
  hostileValue,
  fc.array(behaviour.map(json), { maxLength: 3 }),
);

const isSeconds = (value: unknown) =>
  Number.isInteger(value) && (value as number) >= SECONDS.min && (value as number) <= SECONDS.max;
const isFlag = (value: unknown) => value === 'true' || value === 'false';
const isInt = (value: unknown, min: number, max: number) =>
  Number.isInteger(value) && (value as number) >= min && (value as number) <= max;

/** Each key that may come out, and the only format it may have. */
const FORMATS: Record<string, (value: unknown, info: Record<string, unknown>) => boolean> = {
  page_set_timestamp: isSeconds,
  key_press_timestamp: (value, info) =>
    value === null ||
    (isSeconds(value) &&
      (info.page_set_timestamp === undefined || (value as number) >= (info.page_set_timestamp as number))),
  mouse_cursor_positions: (value) => {
    if (value === '0') return true;
    const points: unknown = JSON.parse(String(value));
    return (
      Array.isArray(points) &&
      points.length >= 1 &&
      points.length <= 50 &&
      points.every(
        (point) =>
          Array.isArray(point) &&
          point.length === 3 &&
          isInt(point[0], -100_000, 100_000) &&
          isInt(point[1], -100_000, 100_000) &&
          isInt(point[2], 0, 30 * 86_400_000),
      )
    );
  },
  mouse_moved: isFlag,
  has_scrolled: isFlag,
  has_key_up: isFlag,
  has_input_focused: isFlag,
  emulations_headless_mode: isFlag,
  js_timezone: (value) =>
    value === null || (typeof value === 'number' && Math.abs(value) <= 14 && Number.isInteger(value * 4)),
  screen_info: (value) => {
    const screen = JSON.parse(String(value));
    return (
      JSON.stringify(Object.keys(screen)) === '["fullWidth","fullHeight","visibleWidth","visibleHeight"]' &&
      Object.values(screen).every((size) => isInt(size, 0, 1_000_000))
    );
  },
  form_visible_inputs: (value, info) =>
    value === null
      ? info.apbct_visible_fields === null
      : value === String(info.apbct_visible_fields).split(' ').length && isInt(value, 1, 200),
  form_invisible_inputs: (value, info) =>
    value === null
      ? info.apbct_invisible_fields === null
      : value === String(info.apbct_invisible_fields).split(' ').length && isInt(value, 1, 200),
  apbct_visible_fields: (value) =>
    value === null ||
    (typeof value === 'string' && value.length <= 4_000 && value.split(' ').every((name) => NAME.test(name))),
  apbct_invisible_fields: (value) =>
    value === null ||
    (typeof value === 'string' && value.length <= 4_000 && value.split(' ').every((name) => NAME.test(name))),
};

describe('the fallback set under hostile input', () => {
  it(
    'any ct_behaviour value yields only known keys, each in its one format: the rest is dropped',
    () => {
      fc.assert(
        fc.property(
          field,
          fc.oneof(hostileString, fc.integer({ min: -900, max: 900 }).map(String)),
          (value, offset) => {
            const info = behaviourSenderInfo({ [FIELDS.behaviour]: value, [FIELDS.tzOffset]: offset });
            for (const [key, found] of Object.entries(info)) {
              expect(FORMATS[key], `unexpected key ${key}`).toBeDefined();
              expect(FORMATS[key]?.(found, info), `${key}: ${JSON.stringify(found)}`).toBe(true);
            }
          },
        ),
        runs(300),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'a well-formed set passes whole, rounded',
    () => {
      fc.assert(
        fc.property(
          fc.integer(SECONDS),
          fc.array(
            fc.tuple(
              fc.double({ min: -5000, max: 5000, noNaN: true }),
              fc.double({ min: -5000, max: 5000, noNaN: true }),
              fc.double({ min: 0, max: 1e7, noNaN: true }),
            ),
            { maxLength: 50 },
          ),
          fc.integer({ min: 0, max: 15 }),
          fc.array(fc.stringMatching(/^[a-z_]{1,12}$/), { maxLength: 30 }),
          (p, m, f, v) => {
            const info = behaviourSenderInfo({
              [FIELDS.behaviour]: JSON.stringify({ p, k: 0, m, f, w: 1, s: [1, 2, 3, 4], v, i: [] }),
            });
            expect(info.page_set_timestamp).toBe(p);
            expect(info.mouse_cursor_positions).toBe(
              m.length ? JSON.stringify(m.map((point) => point.map(Math.round))) : '0',
            );
            expect(info.apbct_visible_fields).toBe(v.join(' ') || null);
            expect([info.mouse_moved, info.has_scrolled, info.has_key_up, info.has_input_focused]).toEqual(
              [1, 2, 4, 8].map((bit) => String((f & bit) !== 0)),
            );
          },
        ),
        runs(200),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'any form yields cms_lang as two letters, fields_number as a count and direct_post as 0 or 1',
    () => {
      fc.assert(
        fc.property(
          hostileForm,
          fc.oneof(hostileString, fc.constantFrom('en-US', 'pt_BR', 'de')),
          (form, lang) => {
            const withLang =
              form &&
              typeof form === 'object' &&
              !Array.isArray(form) &&
              !(form instanceof Map) &&
              !(form instanceof URLSearchParams) &&
              !(form instanceof FormData)
                ? { ...(form as Record<string, unknown>), [FIELDS.lang]: lang }
                : form;
            const info = browserSenderInfo({ ip: '203.0.113.7', form: withLang as never });
            expect(info.direct_post === 0 || info.direct_post === 1).toBe(true);
            expect(isInt(info.fields_number, 0, 1_000)).toBe(true);
            if ('cms_lang' in info) expect(info.cms_lang).toMatch(/^[a-z]{2}$/);
          },
        ),
        runs(200),
      );
    },
    FUZZ_TIMEOUT,
  );
});
