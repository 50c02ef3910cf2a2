import { FIELD_NAMES, FIELDS, isContractField } from '@ct-protected-form/fields';
import fc from 'fast-check';
import { beforeAll, expect, test } from 'vitest';
import { ProtectionController } from '../src/protection-controller.js';
import { drive } from './helpers.js';
import { browserFormDataSet, controlName, hostileString, runs } from './hostile.js';

beforeAll(() => browserFormDataSet());

/** Keys a body may already hold: ours, prototype names, and anything else. */
const key: fc.Arbitrary<string> = fc.oneof(
  controlName,
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'),
  fc.string({ maxLength: 10 }),
);
const entries = fc.array(fc.tuple(key, hostileString), { maxLength: 10 });

type Kind = 'FormData' | 'URLSearchParams' | 'object' | 'null-prototype object';

/** Builds the body; a plain object from JSON, so that `__proto__` is an own key as in a parsed body. */
function build(kind: Kind, pairs: Array<[string, string]>) {
  if (kind === 'FormData' || kind === 'URLSearchParams') {
    const body = kind === 'FormData' ? new FormData() : new URLSearchParams();
    for (const [name, value] of pairs) body.append(name, value);
    return body;
  }
  const json = `{${pairs.map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`).join(',')}}`;
  const parsed = JSON.parse(json) as Record<string, unknown>;
  return kind === 'object' ? parsed : Object.assign(Object.create(null), parsed);
}

test('appendTo sets each contract field once on any body, leaves its other keys and never touches a prototype', () => {
  const protection = drive(ProtectionController);
  const prototypes = [Object.prototype, FormData.prototype, URLSearchParams.prototype];
  const shapes = prototypes.map((prototype) => Reflect.ownKeys(prototype));
  fc.assert(
    fc.property(
      fc.constantFrom<Kind>('FormData', 'URLSearchParams', 'object', 'null-prototype object'),
      entries,
      (kind, pairs) => {
        const body = build(kind, pairs);
        const before =
          body instanceof FormData || body instanceof URLSearchParams ? [...body] : Object.entries(body);
        const prototypeBefore = Object.getPrototypeOf(body);
        expect(protection.appendTo(body)).toBe(body);
        const fields = protection.getFields();
        const after =
          body instanceof FormData || body instanceof URLSearchParams ? [...body] : Object.entries(body);
        for (const name of FIELD_NAMES) {
          const found = after.filter(([entry]) => entry === name);
          if (name === FIELDS.honeypot) expect(found).toEqual(before.filter(([entry]) => entry === name));
          else expect(found.map(([, value]) => typeof value)).toEqual(['string']);
        }
        expect(String(after.find(([entry]) => entry === FIELDS.startedAt)?.[1])).toBe(
          fields[FIELDS.startedAt],
        );
        const others = (list: Array<[string, unknown]>) =>
          list.filter(([entry]) => !isContractField(entry) || entry === FIELDS.honeypot);
        expect(others(after)).toEqual(others(before));
        expect(Object.getPrototypeOf(body)).toBe(prototypeBefore);
        expect(prototypes.map((prototype) => Reflect.ownKeys(prototype))).toEqual(shapes);
      },
    ),
    { numRuns: runs(300) },
  );
});
