import { FIELDS } from '@ct-protected-form/fields';
import { afterEach, expect, test, vi } from 'vitest';
import { type AutoProtectOptions, autoProtect } from '../src/auto.js';
import type { ProtectedFormReadyEvent } from '../src/events.js';
import type { ProtectionController } from '../src/protection-controller.js';
import { flush, record, serialise, use } from './helpers.js';

const running: ProtectionController[] = [];
afterEach(() => {
  for (const protection of running.splice(0)) protection.disconnect();
});
const auto = (options: AutoProtectOptions = {}) => {
  const protection = autoProtect({ noDetector: true, ...options });
  running.push(protection);
  return protection;
};
const protectedIds = () =>
  [...document.forms].filter((form) => serialise(form).has(FIELDS.startedAt)).map((form) => form.id);

test('protects the POST forms of the page, whatever the case of method, and no GET form', () => {
  document.body.innerHTML =
    '<form id="a" method="post"></form><form id="b" method="POST"></form><form id="c"></form><form id="d" method="get"></form>';
  auto();
  expect(protectedIds()).toEqual(['a', 'b']);
});

test('changes nothing else about the markup: no wrapper, same attributes', () => {
  document.body.innerHTML =
    '<div id="comments"><form id="a" method="post" class="comment-form"></form></div>';
  auto();
  const form = document.forms[0] as HTMLFormElement;
  expect(form.parentElement?.id).toBe('comments');
  expect(form.outerHTML.startsWith('<form id="a" method="post" class="comment-form">')).toBe(true);
  expect(document.querySelector('ct-protected-form')).toBeNull();
});

test('protects POST forms added later', async () => {
  document.body.innerHTML = '';
  auto();
  document.body.insertAdjacentHTML('beforeend', '<div><form id="late" method="post"></form></div>');
  await flush();
  expect(protectedIds()).toEqual(['late']);
});

test('takes only the forms matching its selector', () => {
  document.body.innerHTML =
    '<form id="a" method="post" class="comment-form"></form><form id="b" method="post" class="search"></form>';
  auto({ selector: '.comment-form' });
  expect(protectedIds()).toEqual(['a']);
});

test('a form with an input named "method" is still recognised as a POST form', () => {
  document.body.innerHTML =
    '<form id="a" method="post"><select name="method"><option>card</option></select></form>';
  auto();
  expect(protectedIds()).toEqual(['a']);
});

test('leaves the forms inside a <ct-protected-form> to it', () => {
  document.body.innerHTML = '<ct-protected-form><form id="a" method="post"></form></ct-protected-form>';
  auto();
  expect(protectedIds()).toEqual([]);
});

test('an invalid selector warns, fires ct-error on document and falls back to all POST forms', () => {
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  const errors = record(document, 'ct-error');
  document.body.innerHTML = '<form id="a" method="post"></form>';
  auto({ selector: '[[nope' });
  expect(errors).toHaveLength(1);
  expect(protectedIds()).toEqual(['a']);
});

test('"form," is refused by the same matches() call that picks the forms, so auto mode cannot throw', () => {
  // happy-dom's querySelector, unlike its matches(), takes this string once it has seen it.
  try {
    document.querySelector('form,');
  } catch {
    // Expected: it is no selector.
  }
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  const errors = record(document, 'ct-error');
  document.body.innerHTML = '<form id="a" method="post"></form>';
  auto({ selector: 'form,' });
  expect(errors).toHaveLength(1);
  expect(protectedIds()).toEqual(['a']);
});

test('fires its events on document', async () => {
  const ready = record<ProtectedFormReadyEvent>(document, 'ct-ready');
  localStorage.setItem('bot_detector_event_token', JSON.stringify({ value: 'x'.repeat(64) }));
  document.body.innerHTML = '<form method="post"></form>';
  const protection = auto({ noDetector: false, detectorSrc: '/auto-events.js' });
  await protection.ready;
  expect(ready.map((event) => event.target)).toEqual([document]);
});

test('disconnect stops auto mode and removes its fields', async () => {
  document.body.innerHTML = '<form id="a" method="post"></form>';
  const protection = auto({ honeypot: true });
  const form = use(document.forms[0] as HTMLFormElement);
  expect(form.elements.length).toBeGreaterThan(1);
  protection.disconnect();
  expect(form.elements.length).toBe(0);
  document.body.insertAdjacentHTML('beforeend', '<form id="b" method="post"></form>');
  await flush();
  expect(protectedIds()).toEqual([]);
});

test('a second autoProtect() that stops leaves the forms to the first', () => {
  document.body.innerHTML = '<form id="a" method="post"></form>';
  const first = auto({ startToken: 'first' });
  auto({ startToken: 'second' }).disconnect();
  const form = document.forms[0] as HTMLFormElement;
  expect(serialise(form).get(FIELDS.startToken)).toBe('first');
  first.disconnect();
  expect(serialise(form).has(FIELDS.startToken)).toBe(false);
});
