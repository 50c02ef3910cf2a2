import { DETECTOR_STORAGE_KEY, FIELDS } from '@ct-protected-form/fields';
import { expect, test, vi } from 'vitest';
import { readEventToken } from '../src/event-token.js';
import { writeFields } from '../src/hidden-fields.js';
import { mount, token } from './helpers.js';

test("reads the token from the detector's input anywhere in the document", () => {
  mount(`<form></form><form><input type="hidden" name="${FIELDS.eventToken}" value="${token('d')}"></form>`);
  localStorage.setItem(DETECTOR_STORAGE_KEY, JSON.stringify({ value: token('s') }));
  expect(readEventToken()).toBe(token('d'));
});

test('skips the inputs this package added, whose values are only copies', () => {
  const form = mount('<form></form>');
  writeFields(form, { [FIELDS.eventToken]: token('o') }, false);
  expect(readEventToken()).toBe('');
});

test('an input whose 64-character value is no token (64 spaces) does not hide the token in storage', () => {
  mount(`<form><input type="hidden" name="${FIELDS.eventToken}" value="${' '.repeat(64)}"></form>`);
  localStorage.setItem(DETECTOR_STORAGE_KEY, JSON.stringify({ value: token('s') }));
  expect(readEventToken()).toBe(token('s'));
});

test("falls back to the detector's localStorage entry", () => {
  localStorage.setItem(DETECTOR_STORAGE_KEY, JSON.stringify({ value: token('s'), expires: 1 }));
  expect(readEventToken()).toBe(token('s'));
});

test.each([
  ['malformed JSON', '{"value": '],
  ['a bare string', JSON.stringify(token())],
  ['null', 'null'],
  ['a value of the wrong length', JSON.stringify({ value: 'short' })],
  ['a value that is not a string', JSON.stringify({ value: 42 })],
  ['64 spaces', JSON.stringify({ value: ' '.repeat(64) })],
  ['64 characters that are not URL-safe', JSON.stringify({ value: 'é'.repeat(64) })],
])('answers no token for %s in storage', (_, stored) => {
  localStorage.setItem(DETECTOR_STORAGE_KEY, stored);
  expect(readEventToken()).toBe('');
});

test('answers no token when storage is blocked', () => {
  vi.spyOn(Storage.prototype, 'getItem').mockImplementation(() => {
    throw new DOMException('blocked', 'SecurityError');
  });
  expect(readEventToken()).toBe('');
});
