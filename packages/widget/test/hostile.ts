import { FIELD_NAMES, FIELDS } from '@ct-protected-form/fields';
import fc from 'fast-check';

/** `numRuns` for a property: its own default, or `FUZZ_RUNS` when set (`FUZZ_RUNS=5000` for a longer hunt). */
export const runs = (numRuns: number): number => Number(process.env.FUZZ_RUNS) || numRuns;

/** Strings a page could put in an attribute: anything, plus the shapes that break URL and enum handling. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.webUrl(),
  fc.constantFrom(
    '',
    ' ',
    '\t\n',
    'javascript:alert(1)',
    ' JavaScript:alert(1)',
    'java\tscript:alert(1)',
    'data:text/javascript,alert(1)',
    'vbscript:msgbox',
    'blob:https://example.com/1',
    'file:///etc/passwd',
    'about:blank',
    '/detector.js',
    '../detector.js',
    '//cdn.example/detector.js',
    'http://127.0.0.1:1/detector.js',
    'https://fd.cleantalk.ru/ct-bot-detector-wrapper-ru.js',
    'http://[::1',
    'granted',
    'pending',
    'GRANTED',
    ' granted',
    'denied',
    'true',
    'false',
    '"><script>alert(1)</script>',
    '__proto__',
    'constructor',
  ),
  fc.constant('x'.repeat(100_000)),
);

/** Names of form members that a control named like them shadows in browsers (`form.elements`…). */
export const FORM_MEMBERS = [
  'elements',
  'submit',
  'action',
  'method',
  'length',
  'id',
  'append',
  'addEventListener',
  'requestSubmit',
  'getAttribute',
  'matches',
  'closest',
] as const;

/** Control names: ours, the detector's, shadowing ones and the author's own. */
export const controlName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...FIELD_NAMES),
  fc.constant(FIELDS.eventToken),
  fc.constantFrom(...FORM_MEMBERS),
  fc.constantFrom('comment', 'email', 'author'),
  fc.string({ maxLength: 8 }),
);

/**
 * Members a control shadows below, in happy-dom too. Not `getAttribute`, `matches` or `closest`:
 * happy-dom calls those on the form itself, so the browser tests cover them.
 */
const SHADOWED = [
  'elements',
  'submit',
  'action',
  'method',
  'length',
  'append',
  'addEventListener',
  'requestSubmit',
];

/**
 * What browsers do and happy-dom does not: a form control named (or with an id) like a member of
 * the form shadows that member (`[LegacyOverrideBuiltIns]`), so `form.elements` may be an input.
 */
export function clobber(form: HTMLFormElement): void {
  for (const control of form.querySelectorAll('input,select,textarea,button,fieldset,output,object')) {
    for (const name of [control.getAttribute('name'), control.id]) {
      if (name && SHADOWED.includes(name) && !Object.hasOwn(form, name)) {
        Object.defineProperty(form, name, { value: control, configurable: true });
      }
    }
  }
}

/** A control as the page's author (or the detector) might have put it in the form. */
export interface ControlSpec {
  tag: 'input' | 'textarea' | 'select' | 'button' | 'fieldset' | 'output';
  type: string;
  name: string;
  id: string;
  value: string;
  disabled: boolean;
}

export const controlSpec: fc.Arbitrary<ControlSpec> = fc.record({
  tag: fc.constantFrom('input', 'input', 'input', 'textarea', 'select', 'button', 'fieldset', 'output'),
  type: fc.constantFrom('hidden', 'text', 'checkbox', 'radio', 'file', 'number', 'email', 'submit', 'image'),
  name: controlName,
  id: fc.oneof(fc.constant(''), fc.constantFrom(...FORM_MEMBERS)),
  value: fc.oneof(hostileString, fc.stringMatching(/^[A-Za-z0-9_-]{64}$/)),
  disabled: fc.boolean(),
});

/** Builds the control with DOM calls (no markup to escape). */
export function createControl({ tag, type, name, id, value, disabled }: ControlSpec): HTMLElement {
  const control = document.createElement(tag);
  if (tag === 'input' || tag === 'button') control.setAttribute('type', type);
  if (tag === 'select') {
    const option = control.appendChild(document.createElement('option'));
    option.value = value;
    option.selected = true;
  } else control.setAttribute('value', value);
  control.setAttribute('name', name);
  if (id) control.id = id;
  if (disabled) control.setAttribute('disabled', '');
  return control;
}

/**
 * happy-dom's `FormData#set` replaces only the first entry of the name; browsers remove the others
 * too. Makes it do as browsers do (the order of entries aside) and returns the undo.
 */
export function browserFormDataSet(): () => void {
  const { set } = FormData.prototype;
  FormData.prototype.set = function (this: FormData, name: string, value: string | Blob, filename?: string) {
    this.delete(name);
    if (typeof value === 'string') this.append(name, value);
    else this.append(name, value, filename);
  };
  return () => {
    FormData.prototype.set = set;
  };
}
