import { FIELDS } from '@ct-protected-form/fields';
import { describe, expect, test, vi } from 'vitest';
import { isOwnField, removeOwnFields, writeFields } from '../src/hidden-fields.js';
import { mount, token, value, values } from './helpers.js';
import { clobber } from './hostile.js';

const names = (form: HTMLFormElement) =>
  [...form.elements].map((element) => (element as HTMLInputElement).name);

/** An input as CleanTalk's detector adds it. */
function detectorInput(form: HTMLFormElement, value: string) {
  const input = document.createElement('input');
  input.type = 'hidden';
  input.name = FIELDS.eventToken;
  input.value = value;
  return form.appendChild(input);
}

describe('writeFields', () => {
  test('appends missing fields as hidden inputs, then updates them instead of adding more', () => {
    const form = mount('<form><input name="comment"></form>');
    writeFields(form, { [FIELDS.startedAt]: '1', [FIELDS.referrer]: 'a' }, false);
    writeFields(form, { [FIELDS.startedAt]: '2', [FIELDS.referrer]: 'b' }, false);
    expect(names(form)).toEqual(['comment', FIELDS.startedAt, FIELDS.referrer]);
    expect(value(form, FIELDS.startedAt)).toBe('2');
    const input = form.elements.namedItem(FIELDS.startedAt) as HTMLInputElement;
    expect(input.type).toBe('hidden');
    expect(isOwnField(input)).toBe(true);
  });

  test('adds all missing inputs in one DOM mutation', () => {
    const form = mount('<form></form>');
    const append = vi.spyOn(Element.prototype, 'append');
    writeFields(form, { [FIELDS.startedAt]: '1', [FIELDS.referrer]: 'a', [FIELDS.pageUrl]: 'u' }, true);
    expect(append.mock.contexts.filter((target) => target === form)).toHaveLength(1);
    expect(form.elements.length).toBe(4);
  });

  test('reuses a field the author put there, even one tied to the form from outside', () => {
    const form = mount(
      `<form id="f"></form><input type="hidden" name="${FIELDS.pageUrl}" form="f" value="x">`,
    );
    writeFields(form, { [FIELDS.pageUrl]: 'https://example.com/' }, false);
    expect(values(form, FIELDS.pageUrl)).toEqual(['https://example.com/']);
    expect(form.children).toHaveLength(0);
  });

  test("keeps the detector's own token input and drops ours when both are in the form", () => {
    const form = mount('<form></form>');
    writeFields(form, { [FIELDS.eventToken]: '' }, false);
    const detectors = detectorInput(form, token('d'));
    writeFields(form, { [FIELDS.eventToken]: token('d') }, false);
    expect([...form.elements]).toEqual([detectors]);
  });

  test('leaves exactly one token input when the detector added two', () => {
    const form = mount('<form></form>');
    detectorInput(form, token('d'));
    detectorInput(form, token('d'));
    writeFields(form, { [FIELDS.eventToken]: token('d') }, false);
    expect(values(form, FIELDS.eventToken)).toEqual([token('d')]);
  });

  test("never clears the detector's token with an empty one, and updates ours", () => {
    const form = mount('<form></form>');
    detectorInput(form, token('d'));
    writeFields(form, { [FIELDS.eventToken]: '' }, false);
    expect(values(form, FIELDS.eventToken)).toEqual([token('d')]);

    const other = mount('<form></form>');
    writeFields(other, { [FIELDS.eventToken]: token('a') }, false);
    writeFields(other, { [FIELDS.eventToken]: '' }, false);
    expect(values(other, FIELDS.eventToken)).toEqual(['']);
  });

  test("adds the honeypot once, removes ours when asked to, and leaves an author's ct_hp alone", () => {
    const form = mount('<form></form>');
    writeFields(form, {}, true);
    writeFields(form, {}, true);
    expect(values(form, FIELDS.honeypot)).toEqual(['']);
    writeFields(form, {}, false);
    expect(values(form, FIELDS.honeypot)).toEqual([]);

    const authored = mount(`<form><input name="${FIELDS.honeypot}"></form>`);
    writeFields(authored, {}, true);
    writeFields(authored, {}, false);
    expect(authored.elements.length).toBe(1);
  });
});

test('a control named "elements", which shadows form.elements in browsers, is no obstacle', () => {
  const form = mount('<form><input name="elements" value="e"></form>');
  clobber(form);
  expect(form.elements).toBeInstanceOf(HTMLInputElement);
  writeFields(form, { [FIELDS.startedAt]: '1' }, true);
  expect(form.querySelector<HTMLInputElement>(`[name="${FIELDS.startedAt}"]`)?.value).toBe('1');
  removeOwnFields(form);
  expect(form.innerHTML).toBe('<input name="elements" value="e">');
});

test('an <input type="file" name="ct_referrer"> is left alone and ours goes beside it, instead of throwing', () => {
  const form = mount(`<form><input type="file" name="${FIELDS.referrer}"></form>`);
  writeFields(form, { [FIELDS.referrer]: 'proof' }, false);
  expect(values(form, FIELDS.referrer)).toEqual(['', 'proof']);
  expect((form.elements[1] as HTMLInputElement).type).toBe('hidden');
});

test('removeOwnFields removes only the inputs this package added', () => {
  const form = mount(`<form><input name="email"></form>`);
  detectorInput(form, token('d'));
  writeFields(form, { [FIELDS.startedAt]: '1', [FIELDS.eventToken]: '' }, true);
  removeOwnFields(form);
  expect(names(form)).toEqual(['email', FIELDS.eventToken]);
});
