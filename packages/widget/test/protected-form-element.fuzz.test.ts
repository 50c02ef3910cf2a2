import { FIELD_NAMES, FIELDS, isContractField } from '@ct-protected-form/fields';
import fc from 'fast-check';
import { beforeAll, expect, test, vi } from 'vitest';
import '../src/define.js';
import type { ProtectedFormErrorEvent } from '../src/events.js';
import { controlsOf, isOwnField } from '../src/hidden-fields.js';
import type { ProtectedFormElement } from '../src/protected-form-element.js';
import { flush, record, serialise, use } from './helpers.js';
import { browserFormDataSet, clobber, controlSpec, createControl, hostileString, runs } from './hostile.js';

beforeAll(() => browserFormDataSet());

const ATTRIBUTES = [
  'detector-src',
  'no-detector',
  'nonce',
  'integrity',
  'consent',
  'honeypot',
  'start-token',
  'start-token-url',
] as const;
type Attribute = (typeof ATTRIBUTES)[number];

/** The attribute values the element must refuse with a warning and a `ct-error`. */
function isInvalid(attribute: Attribute, value: string | null): boolean {
  if (value == null) return false;
  if (attribute === 'consent') return value !== 'granted' && value !== 'pending';
  if (attribute !== 'detector-src' && attribute !== 'start-token-url') return false;
  try {
    return !value.trim() || !/^https?:$/.test(new URL(value, document.baseURI).protocol);
  } catch {
    return true;
  }
}
const VALIDATED = ['detector-src', 'consent', 'start-token-url'] as const;

type Step = { set: Attribute; to: string | null } | { move: 'out' | 'in' };
const setStep = fc.record({ set: fc.constantFrom(...ATTRIBUTES), to: fc.option(hostileString) });
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: setStep },
  { weight: 1, arbitrary: fc.record({ move: fc.constantFrom('out' as const, 'in' as const) }) },
);

// Every serialisation lists which of the form's fields are visible (the fallback signals), with one
// `getComputedStyle()` a control: cheap in browsers, slow in happy-dom. Room for that on a busy machine.
vi.setConfig({ testTimeout: 20_000 });

/** Submits the form as a click would; the page's own handler keeps happy-dom from navigating. */
async function submit(form: HTMLFormElement): Promise<FormData[]> {
  const sent: FormData[] = [];
  // Through the prototypes, as the form's own members may be shadowed by its controls.
  EventTarget.prototype.addEventListener.call(form, 'submit', (event) => {
    event.preventDefault();
    sent.push(serialise(form));
  });
  HTMLFormElement.prototype.requestSubmit.call(form);
  await flush();
  return sent;
}

/**
 * Each contract field once; the honeypot, empty, when asked for, unless the author put a `ct_hp`
 * of their own, which is then left as it is and none of ours added.
 */
function expectContractFieldsOnce(form: HTMLFormElement, data: FormData, honeypot: boolean) {
  for (const name of FIELD_NAMES) {
    if (name !== FIELDS.honeypot) expect(data.getAll(name), name).toHaveLength(1);
  }
  // Counted on the form's own controls: happy-dom, unlike browsers, lists a nested form's as the outer one's.
  const mine = [...controlsOf(form)].filter((control) => (control as HTMLInputElement).form === form);
  const named = mine.filter((control) => (control as HTMLInputElement).name === FIELDS.honeypot);
  const authored = named.some((control) => !isOwnField(control));
  expect(named.filter(isOwnField)).toHaveLength(honeypot && !authored ? 1 : 0);
  if (!authored)
    expect(named.map((control) => (control as HTMLInputElement).value)).toEqual(honeypot ? [''] : []);
  // None of the inputs we added has a name some other control of the form already has, file
  // inputs aside: they take no value from script, so ours goes beside them (the data set has one).
  const nameOf = (control: Element) => (control as HTMLInputElement).name;
  const others = mine.filter((control) => (control as HTMLInputElement).type !== 'file');
  for (const added of mine.filter(isOwnField)) {
    expect(
      others.filter((control) => nameOf(control) === nameOf(added)),
      nameOf(added),
    ).toEqual([added]);
  }
}

test('any attribute values, set in any order before and after connection, never break the form', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const fetch = vi.fn(async () => Response.json({ token: 'start' }));
  vi.stubGlobal('fetch', fetch);
  await fc.assert(
    fc.asyncProperty(
      fc.array(setStep, { maxLength: 6 }),
      fc.array(step, { maxLength: 8 }),
      async (before, after) => {
        warn.mockClear();
        fetch.mockClear();
        document.head.innerHTML = '';
        const element = document.createElement('ct-protected-form') as ProtectedFormElement;
        const form = element.appendChild(document.createElement('form'));
        form.method = 'post';
        form.append(
          createControl({
            tag: 'input',
            type: 'text',
            name: 'comment',
            id: '',
            value: 'hi',
            disabled: false,
          }),
        );
        const current = new Map<Attribute, string | null>();
        const set = (attribute: Attribute, value: string | null) => {
          current.set(attribute, value);
          if (value == null) element.removeAttribute(attribute);
          else element.setAttribute(attribute, value);
        };
        for (const { set: attribute, to } of before) set(attribute, to);

        const errors = record<ProtectedFormErrorEvent>(element, 'ct-error');
        const configured = new Map<Attribute, string | null>();
        let expected = 0;
        /** Each configuration reports the validated attributes that are invalid and changed since the last. */
        const configure = () => {
          for (const attribute of VALIDATED) {
            const value = current.get(attribute) ?? null;
            if (value !== (configured.get(attribute) ?? null) && isInvalid(attribute, value)) expected += 1;
            configured.set(attribute, value);
          }
        };
        document.body.append(element);
        await element.updateComplete;
        configure();
        for (const next of after) {
          if ('set' in next) set(next.set, next.to);
          else if (next.move === 'out') element.remove();
          else document.body.append(element);
          await element.updateComplete;
          if (element.isConnected) configure();
        }
        if (!element.isConnected) {
          document.body.append(element);
          configure();
        }
        await flush();

        const invalid = errors.filter((event) => event.code === 'CT_INVALID_OPTION');
        expect(invalid).toHaveLength(expected);
        expect(warn).toHaveBeenCalledTimes(expected);
        for (const script of document.querySelectorAll('script')) {
          expect(new URL(script.src).protocol).toMatch(/^https?:$/);
        }
        for (const [url] of fetch.mock.calls as unknown as [string][]) {
          expect(new URL(url).protocol).toMatch(/^https?:$/);
        }
        const sent = await submit(use(form));
        expect(sent).toHaveLength(1);
        expectContractFieldsOnce(form, sent[0] as FormData, element.hasAttribute('honeypot'));
        expect(serialise(form).get('comment')).toBe('hi');
        element.remove();
      },
    ),
    { numRuns: runs(120) },
  );
});

test('whatever the form already holds, each contract field is sent once and disconnecting removes only ours', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(controlSpec, { maxLength: 8 }),
      fc.boolean(),
      fc.constantFrom('none', 'nested', 'late'),
      async (specs, honeypot, extra) => {
        const element = document.createElement('ct-protected-form') as ProtectedFormElement;
        element.toggleAttribute('no-detector', true);
        element.toggleAttribute('honeypot', honeypot);
        const form = element.appendChild(document.createElement('form'));
        form.setAttribute('method', 'post');
        // The author's controls hold any value; the browser's own validation is not what is tested.
        form.noValidate = true;
        for (const spec of specs) form.append(createControl(spec));
        const inner = document.createElement('form');
        inner.append(
          createControl({ tag: 'input', type: 'text', name: 'inner', id: '', value: 'i', disabled: false }),
        );
        if (extra === 'nested') form.append(inner);
        clobber(form);
        const original = [...form.querySelectorAll('*')];
        const authors = original.filter(
          (node) => !isContractField((node as HTMLInputElement).name ?? '') && node.closest('form') === form,
        );
        const snapshot = () => authors.map((node) => [node.outerHTML, (node as HTMLInputElement).value]);
        const untouched = snapshot();

        document.body.append(element);
        await element.updateComplete;
        if (extra === 'late') {
          element.append(inner);
          await flush();
        }
        use(form);
        expectContractFieldsOnce(form, serialise(form), honeypot);
        const sent = await submit(form);
        expect(sent).toHaveLength(1);
        expectContractFieldsOnce(form, sent[0] as FormData, honeypot);
        expect(snapshot()).toEqual(untouched);
        if (extra !== 'none') expectContractFieldsOnce(inner, serialise(use(inner)), honeypot);

        element.remove();
        const left = [...form.querySelectorAll('*')];
        // Only duplicate event-token controls (the detector's, kept once) may have gone, with their options.
        const gone = original.filter((node) => !left.includes(node));
        expect(gone.filter((node) => !node.closest(`[name="${FIELDS.eventToken}"]`))).toEqual([]);
        expect(left.filter((node) => !original.includes(node) && node.closest('form') === form)).toEqual([]);
      },
    ),
    { numRuns: runs(150) },
  );
});
