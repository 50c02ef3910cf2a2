import { FIELDS } from '@ct-protected-form/fields';
import { describe, expect, test } from 'vitest';
import {
  addField,
  fieldsNamed,
  isOwnField,
  removeOwnFields,
  setHiddenField,
  writeEventToken,
} from '../src/hidden-fields.js';
import { mount, token, values } from './helpers.js';

describe('setHiddenField', () => {
  test('adds one hidden input, then updates it instead of adding another', () => {
    const form = mount('<form><input name="comment"></form>');
    setHiddenField(form, FIELDS.startedAt, '1');
    setHiddenField(form, FIELDS.startedAt, '2');
    const inputs = fieldsNamed(form, FIELDS.startedAt);
    expect(inputs).toHaveLength(1);
    expect(inputs[0]?.type).toBe('hidden');
    expect(inputs[0]?.value).toBe('2');
    expect(isOwnField(inputs[0] as HTMLInputElement)).toBe(true);
  });

  test('reuses a field the author put there, even one tied to the form from outside', () => {
    const form = mount(
      `<form id="f"></form><input type="hidden" name="${FIELDS.pageUrl}" form="f" value="author's">`,
    );
    setHiddenField(form, FIELDS.pageUrl, 'https://example.com/');
    expect(values(form, FIELDS.pageUrl)).toEqual(['https://example.com/']);
    expect(form.children).toHaveLength(0);
  });
});

describe('writeEventToken', () => {
  test("keeps the detector's own input and drops ours when both are in the form", () => {
    const form = mount('<form></form>');
    addField(form, FIELDS.eventToken).value = '';
    const detectors = document.createElement('input');
    detectors.type = 'hidden';
    detectors.name = FIELDS.eventToken;
    detectors.value = token('d');
    form.append(detectors);
    writeEventToken(form, token('d'));
    expect(fieldsNamed(form, FIELDS.eventToken)).toEqual([detectors]);
  });

  test("never clears the detector's value with an empty token", () => {
    const form = mount(
      `<form><input type="hidden" name="${FIELDS.eventToken}" value="${token('d')}"></form>`,
    );
    writeEventToken(form, '');
    expect(values(form, FIELDS.eventToken)).toEqual([token('d')]);
  });

  test('adds our own input when the form has none, empty until a token is known', () => {
    const form = mount('<form></form>');
    writeEventToken(form, '');
    writeEventToken(form, token());
    expect(values(form, FIELDS.eventToken)).toEqual([token()]);
  });

  test('leaves exactly one input when the detector added two', () => {
    const input = `<input type="hidden" name="${FIELDS.eventToken}" value="${token('d')}">`;
    const form = mount(`<form>${input}${input}</form>`);
    writeEventToken(form, token('d'));
    expect(values(form, FIELDS.eventToken)).toEqual([token('d')]);
  });
});

test('removeOwnFields removes only the inputs this package added', () => {
  const form = mount(`<form><input name="email"><input type="hidden" name="${FIELDS.eventToken}"></form>`);
  setHiddenField(form, FIELDS.startedAt, '1');
  addField(form, FIELDS.honeypot, 'text');
  removeOwnFields(form);
  expect([...form.elements].map((element) => (element as HTMLInputElement).name)).toEqual([
    'email',
    FIELDS.eventToken,
  ]);
});
