import { DEFAULT_DETECTOR_SRC, DETECTOR_STORAGE_KEY, FIELDS } from '@ct-protected-form/fields';
import { expect, test, vi } from 'vitest';
import '../src/define.js';
import type { ProtectedFormErrorEvent, ProtectedFormReadyEvent } from '../src/events.js';
import { ProtectedFormElement } from '../src/protected-form-element.js';
import { flush, record, serialise, token, use, value, values } from './helpers.js';

/** Renders `html` into the body and waits for the element's first update. */
async function render(html: string): Promise<ProtectedFormElement> {
  document.body.innerHTML = html;
  const element = document.querySelector('ct-protected-form') as ProtectedFormElement;
  await element.updateComplete;
  return element;
}

const formsOf = (element: Element) => [...element.querySelectorAll('form')];

test('is registered under its tag and typed in HTMLElementTagNameMap', () => {
  const element: ProtectedFormElement = document.createElement('ct-protected-form');
  expect(element).toBeInstanceOf(ProtectedFormElement);
  expect(customElements.get('ct-protected-form')).toBe(ProtectedFormElement);
});

test('protects every form inside it, with no shadow root and nothing rendered', async () => {
  const element = await render(
    '<ct-protected-form no-detector><form><input name="a"></form><div><form></form></div></ct-protected-form>',
  );
  expect(element.shadowRoot).toBeNull();
  expect(element.renderRoot).toBe(element);
  expect([...element.children].map((child) => child.tagName)).toEqual(['FORM', 'DIV']);
  for (const form of formsOf(element)) {
    expect(values(form, FIELDS.startedAt)).toHaveLength(0);
    expect(serialise(form).getAll(FIELDS.startedAt)).toHaveLength(1);
    expect(values(use(form), FIELDS.startedAt)).toHaveLength(1);
  }
});

test('protects forms added later, with nothing watching the DOM, and stops writing forms that leave', async () => {
  const observe = vi.spyOn(MutationObserver.prototype, 'observe');
  const element = await render('<ct-protected-form no-detector></ct-protected-form>');
  const form = element.appendChild(document.createElement('form'));
  expect(values(use(form), FIELDS.startedAt)).toHaveLength(1);
  expect(observe).not.toHaveBeenCalled();
  document.body.append(form);
  await flush();
  // Its fields were written while it was inside; once out, it gets no fresh ones: no submit time.
  expect(values(form, FIELDS.submittedAt)).toHaveLength(0);
  expect(serialise(use(form)).has(FIELDS.submittedAt)).toBe(false);
});

test('survives being moved: one set of fields, the same start time', async () => {
  const element = await render('<ct-protected-form no-detector honeypot><form></form></ct-protected-form>');
  const [form] = formsOf(element) as [HTMLFormElement];
  const startedAt = value(use(form), FIELDS.startedAt);
  const elsewhere = document.body.appendChild(document.createElement('main'));
  elsewhere.append(element);
  await flush();
  expect(value(use(form), FIELDS.startedAt)).toBe(startedAt);
  expect(values(form, FIELDS.honeypot)).toHaveLength(1);
  const names = [...form.elements].map((element) => (element as HTMLInputElement).name);
  expect(names).toHaveLength(new Set(names).size);
});

test('removing it undoes everything: fields gone, later forms left alone', async () => {
  const element = await render('<ct-protected-form no-detector honeypot><form></form></ct-protected-form>');
  use(formsOf(element)[0] as HTMLFormElement);
  element.remove();
  const [form] = formsOf(element) as [HTMLFormElement];
  expect(form.elements.length).toBe(0);
  element.append(document.createElement('form'));
  await flush();
  expect(formsOf(element)[1]?.elements.length).toBe(0);
});

test('maps its attributes: honeypot and start-token apply at once', async () => {
  const element = await render(
    '<ct-protected-form no-detector start-token="t1"><form></form></ct-protected-form>',
  );
  const [form] = formsOf(element) as [HTMLFormElement];
  expect(value(use(form), FIELDS.startToken)).toBe('t1');
  element.setAttribute('start-token', 't2');
  element.toggleAttribute('honeypot', true);
  await element.updateComplete;
  expect(value(form, FIELDS.startToken)).toBe('t2');
  expect(values(form, FIELDS.honeypot)).toEqual(['']);
  element.removeAttribute('honeypot');
  await element.updateComplete;
  expect(values(form, FIELDS.honeypot)).toEqual([]);
});

test('loads the detector once for all elements of the page', async () => {
  document.body.innerHTML =
    '<ct-protected-form><form></form></ct-protected-form><ct-protected-form><form></form></ct-protected-form>';
  await flush();
  expect([...document.querySelectorAll('script')].map((script) => script.src)).toEqual([
    DEFAULT_DETECTOR_SRC,
  ]);
});

test('consent="pending" loads nothing until the page-wide consent event, and keeps the attribute', async () => {
  localStorage.setItem(DETECTOR_STORAGE_KEY, JSON.stringify({ value: token() }));
  const element = await render(
    '<ct-protected-form consent="pending" detector-src="/pending.js"><form></form></ct-protected-form>',
  );
  const [form] = formsOf(element) as [HTMLFormElement];
  use(form);
  expect(document.querySelectorAll('script')).toHaveLength(0);
  expect(value(form, FIELDS.eventToken)).toBe('');
  const ready = record<ProtectedFormReadyEvent>(document, 'ct-ready');
  document.dispatchEvent(new Event('ct-consent-granted'));
  await element.updateComplete;
  expect(element.getAttribute('consent')).toBe('pending');
  expect(document.querySelectorAll('script')).toHaveLength(1);
  expect(value(form, FIELDS.eventToken)).toBe(token());
  expect(ready.map((event) => event.target)).toEqual([element]);
});

test('a malformed attribute warns and fires a bubbling ct-error, and the form is still protected', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const errors = record<ProtectedFormErrorEvent>(document, 'ct-error');
  const element = await render(
    '<ct-protected-form detector-src="javascript:void 0"><form></form></ct-protected-form>',
  );
  expect(errors.map((event) => [event.code, event.target])).toEqual([['CT_INVALID_OPTION', element]]);
  expect(warn).toHaveBeenCalledOnce();
  expect(values(use(formsOf(element)[0] as HTMLFormElement), FIELDS.startedAt)).toHaveLength(1);
});

test('ready resolves, and getFields, appendTo and reset work for fetch() submits', async () => {
  vi.useFakeTimers({ now: 1_700_000_000_000, toFake: ['Date'] });
  const element = await render('<ct-protected-form no-detector><form></form></ct-protected-form>');
  use(formsOf(element)[0] as HTMLFormElement);
  await element.ready;
  expect(element.getFields()[FIELDS.startedAt]).toBe('1700000000000');
  vi.setSystemTime(1_700_000_005_000);
  element.reset();
  expect(element.appendTo(new FormData()).get(FIELDS.startedAt)).toBe('1700000005000');
  expect(value(formsOf(element)[0] as HTMLFormElement, FIELDS.startedAt)).toBe('1700000005000');
});

test('works when the script runs after the markup: elements upgraded in place', async () => {
  const tag = 'ct-late-protected-form';
  document.body.innerHTML = `<${tag} no-detector><form></form></${tag}>`;
  const form = document.querySelector('form') as HTMLFormElement;
  expect(form.elements.length).toBe(0);
  customElements.define(tag, class extends ProtectedFormElement {});
  await flush();
  expect(values(use(form), FIELDS.startedAt)).toHaveLength(1);
});

test('protects the forms of an element inside a shadow root, whose submit and formdata stay in it', async () => {
  const host = document.body.appendChild(document.createElement('div'));
  const shadow = host.attachShadow({ mode: 'open' });
  shadow.innerHTML = '<ct-protected-form no-detector><form><input name="a"></form></ct-protected-form>';
  const element = shadow.querySelector('ct-protected-form') as ProtectedFormElement;
  await element.updateComplete;
  const form = element.querySelector('form') as HTMLFormElement;
  expect(serialise(form).getAll(FIELDS.startedAt)).toHaveLength(1);
  expect(values(use(form), FIELDS.startedAt)).toHaveLength(1);
  element.remove();
  expect(values(form, FIELDS.startedAt)).toEqual([]);
});

test('a form inside nested elements belongs to the nearest; the outer one protects its own', async () => {
  const outer = await render(
    '<ct-protected-form no-detector start-token="outer"><form id="a"></form>' +
      '<ct-protected-form no-detector start-token="inner"><form id="b"></form></ct-protected-form></ct-protected-form>',
  );
  const inner = outer.querySelector('ct-protected-form') as ProtectedFormElement;
  await inner.updateComplete;
  const [a, b] = formsOf(outer) as [HTMLFormElement, HTMLFormElement];
  expect(value(use(a), FIELDS.startToken)).toBe('outer');
  expect(value(use(b), FIELDS.startToken)).toBe('inner');
  inner.remove();
  expect(values(b, FIELDS.startToken)).toEqual([]);
  expect(value(a, FIELDS.startToken)).toBe('outer');
});
