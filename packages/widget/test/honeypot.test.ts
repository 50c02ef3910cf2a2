import { FIELDS } from '@ct-protected-form/fields';
import { expect, test } from 'vitest';
import { fieldsNamed } from '../src/hidden-fields.js';
import { setHoneypot } from '../src/honeypot.js';
import { mount } from './helpers.js';

test('adds one empty text input that people, autofill and password managers leave alone', () => {
  const form = mount('<form><input name="email"></form>');
  setHoneypot(form, true);
  setHoneypot(form, true);
  const inputs = fieldsNamed(form, FIELDS.honeypot);
  expect(inputs).toHaveLength(1);
  const input = inputs[0] as HTMLInputElement;
  expect(input.type).toBe('text');
  expect(input.value).toBe('');
  expect(input.getAttribute('autocomplete')).toBe('off');
  expect(input.getAttribute('aria-hidden')).toBe('true');
  expect(input.getAttribute('tabindex')).toBe('-1');
  expect(input.hasAttribute('data-1p-ignore')).toBe(true);
  expect(input.hasAttribute('data-lpignore')).toBe(true);
});

test('is moved off-screen on the input itself, out of the flow, and not display:none', () => {
  const form = mount('<form></form>');
  setHoneypot(form, true);
  const { style } = fieldsNamed(form, FIELDS.honeypot)[0] as HTMLInputElement;
  expect(style.position).toBe('absolute');
  expect(style.getPropertyValue('inset-inline-start')).toBe('-9999px');
  expect(style.display).toBe('');
  expect(style.visibility).toBe('');
});

test("is removed when switched off, while an author's own ct_hp field stays", () => {
  const form = mount('<form></form>');
  setHoneypot(form, true);
  setHoneypot(form, false);
  expect(fieldsNamed(form, FIELDS.honeypot)).toHaveLength(0);

  const authored = mount(`<form><input name="${FIELDS.honeypot}"></form>`);
  setHoneypot(authored, true);
  setHoneypot(authored, false);
  expect(fieldsNamed(authored, FIELDS.honeypot)).toHaveLength(1);
});
