import { expect, test } from 'vitest';
import { asHoneypot } from '../src/honeypot.js';

const honeypot = () => asHoneypot(document.createElement('input'));

test('is an empty text input that people, autofill and password managers leave alone', () => {
  const input = honeypot();
  expect(input.type).toBe('text');
  expect(input.value).toBe('');
  expect(input.getAttribute('autocomplete')).toBe('off');
  expect(input.getAttribute('aria-hidden')).toBe('true');
  expect(input.getAttribute('tabindex')).toBe('-1');
  expect(input.hasAttribute('data-1p-ignore')).toBe(true);
  expect(input.hasAttribute('data-lpignore')).toBe(true);
  expect(input.hasAttribute('data-bwignore')).toBe(true);
});

test('is moved off-screen on the input itself, out of the flow, and not display:none', () => {
  const { style } = honeypot();
  expect(style.position).toBe('fixed');
  expect(style.top).toBe('-9999px');
  expect(style.getPropertyValue('inset-inline-start')).toBe('-9999px');
  expect(style.display).toBe('');
  expect(style.visibility).toBe('');
});
