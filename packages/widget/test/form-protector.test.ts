import { FIELDS } from '@ct-protected-form/fields';
import { afterEach, expect, test, vi } from 'vitest';
import {
  type FieldSource,
  listenForForms,
  refresh,
  SUBMIT_HOLD_MS,
  unprotect,
  write,
} from '../src/form-protector.js';
import { mount, serialise, token, use, value, values } from './helpers.js';
import { clobber } from './hostile.js';

const fields = (overrides: Record<string, string> = {}): Record<string, string> => ({
  [FIELDS.eventToken]: token(),
  [FIELDS.startedAt]: '1700000000000',
  [FIELDS.submittedAt]: String(Date.now()),
  [FIELDS.referrer]: 'proof',
  ...overrides,
});

function source(overrides: Partial<FieldSource> = {}): FieldSource {
  return { getFields: () => fields(), honeypot: false, pending: undefined, ...overrides };
}

const connected: AbortController[] = [];
afterEach(() => {
  for (const abort of connected.splice(0)) abort.abort();
});

/**
 * Protects `form` alone, with the page's listeners on `document`, as a protection connects: the
 * honeypot, when asked for, at once. `disconnect()` is the protection's: listeners off, fields gone.
 */
function protectForm(form: HTMLFormElement, from: FieldSource) {
  const abort = listenForForms(document, (candidate) => (candidate === form ? from : undefined));
  connected.push(abort);
  if (from.honeypot) refresh(form, from);
  return {
    write: (values?: Record<string, string>) => write(form, from, values),
    refresh: () => refresh(form, from),
    disconnect() {
      abort.abort();
      unprotect(form);
    },
  };
}

const COMMENT_FORM =
  '<form method="post" action="/comments"><input name="comment"><button name="go" value="post">Post</button></form>';

/** Submits like a click on the form's button; the page's own handler keeps happy-dom from navigating. */
function submitAndRecord(form: HTMLFormElement): Array<{ submitter: string | undefined; fields: FormData }> {
  const seen: Array<{ submitter: string | undefined; fields: FormData }> = [];
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const submitter = event.submitter as HTMLButtonElement | null;
    seen.push({
      submitter: submitter ? `${submitter.name}=${submitter.value}` : undefined,
      fields: new FormData(form),
    });
  });
  return seen;
}

test('protecting a form writes nothing into it', () => {
  const form = mount(COMMENT_FORM);
  const before = form.outerHTML;
  const getFields = vi.fn(() => fields());
  protectForm(form, source({ getFields }));
  expect(form.outerHTML).toBe(before);
  expect(getFields).not.toHaveBeenCalled();
});

test.each([
  ['focusin', () => new FocusEvent('focusin', { bubbles: true })],
  ['pointerdown', () => new PointerEvent('pointerdown', { bubbles: true })],
  ['input', () => new Event('input', { bubbles: true })],
])(
  'writes the hidden fields at the first %s in the form, without the submit time, and touches nothing else',
  (_, event) => {
    const form = mount(COMMENT_FORM);
    const before = form.innerHTML;
    const getFields = vi.fn(() => fields());
    protectForm(form, source({ getFields }));
    form.querySelector('input')?.dispatchEvent(event());
    expect(value(form, FIELDS.startedAt)).toBe('1700000000000');
    expect(value(form, FIELDS.eventToken)).toBe(token());
    expect(values(form, FIELDS.submittedAt)).toEqual([]);
    expect(form.innerHTML.startsWith(before)).toBe(true);
    expect(form.parentElement).toBe(document.body);
    expect(form.getAttribute('action')).toBe('/comments');
    form.querySelector('input')?.dispatchEvent(event());
    expect(getFields).toHaveBeenCalledOnce();
  },
);

test('write() writes the fields at once, refresh() only into a form already written', () => {
  const form = mount(COMMENT_FORM);
  let current = fields();
  const protector = protectForm(form, source({ getFields: () => current }));
  protector.refresh();
  expect(values(form, FIELDS.startedAt)).toEqual([]);
  protector.write();
  expect(values(form, FIELDS.startedAt)).toEqual(['1700000000000']);
  current = fields({ [FIELDS.startedAt]: '1700000005000' });
  protector.refresh();
  expect(values(form, FIELDS.startedAt)).toEqual(['1700000005000']);
});

test("new FormData(form) carries fresh fields even when the form was never used, keeping the detector's token", () => {
  const form = mount(COMMENT_FORM);
  protectForm(form, source({ getFields: () => fields({ [FIELDS.eventToken]: '' }) }));
  const data = serialise(form);
  expect(data.get(FIELDS.startedAt)).toBe('1700000000000');
  expect(data.get(FIELDS.submittedAt)).not.toBeNull();
  expect(data.getAll(FIELDS.eventToken)).toEqual(['']);
  expect(values(form, FIELDS.startedAt)).toEqual([]);

  const detectors = Object.assign(document.createElement('input'), {
    type: 'hidden',
    name: FIELDS.eventToken,
  });
  detectors.value = token('d');
  form.append(detectors);
  expect(serialise(form).getAll(FIELDS.eventToken)).toEqual([token('d')]);
});

test("writes fresh fields at submit, before the page's own submit handlers read them", () => {
  const form = mount(COMMENT_FORM);
  let current = fields({ [FIELDS.eventToken]: '' });
  protectForm(form, source({ getFields: () => current }));
  use(form);
  current = fields({ [FIELDS.eventToken]: token('n'), [FIELDS.submittedAt]: '1700000009000' });
  const seen = submitAndRecord(form);
  form.requestSubmit();
  expect(seen).toHaveLength(1);
  expect(seen[0]?.fields.getAll(FIELDS.eventToken)).toEqual([token('n')]);
  expect(seen[0]?.fields.get(FIELDS.submittedAt)).toBe('1700000009000');
});

test('writes the fields into a form submitted without any interaction before', () => {
  const form = mount(COMMENT_FORM);
  protectForm(form, source());
  // happy-dom's FormData reads the inputs only: what serialising `form.elements` sees.
  const seen = submitAndRecord(form);
  form.requestSubmit();
  expect(seen[0]?.fields.getAll(FIELDS.eventToken)).toEqual([token()]);
  expect(seen[0]?.fields.getAll(FIELDS.startedAt)).toEqual(['1700000000000']);
  expect(value(form, FIELDS.referrer)).toBe('proof');
});

test('adds the honeypot at once when the source asks for it, for a bot to find in the markup', () => {
  const form = mount(COMMENT_FORM);
  protectForm(form, source({ honeypot: true }));
  expect(value(form, FIELDS.honeypot)).toBe('');
  expect(values(form, FIELDS.startedAt)).toEqual([]);
});

test('refresh() adds or removes the honeypot as the source asks, in a form not used yet', () => {
  const form = mount(COMMENT_FORM);
  const current = { ...source(), honeypot: false };
  const protector = protectForm(form, current);
  current.honeypot = true;
  protector.refresh();
  expect(values(form, FIELDS.honeypot)).toEqual(['']);
  current.honeypot = false;
  protector.refresh();
  expect(values(form, FIELDS.honeypot)).toEqual([]);
  expect(values(form, FIELDS.startedAt)).toEqual([]);
});

test('holds a submit while a start token is fetched, then submits again with the same button', async () => {
  const form = mount(COMMENT_FORM);
  let release!: () => void;
  const current = {
    getFields: () => fields(),
    honeypot: false,
    pending: undefined as Promise<void> | undefined,
  };
  current.pending = new Promise<void>((resolve) => {
    release = resolve;
  });
  protectForm(form, current);
  const seen = submitAndRecord(form);
  form.requestSubmit(form.querySelector('button'));
  expect(seen).toHaveLength(0);

  current.pending = undefined;
  release();
  await vi.waitFor(() => expect(seen).toHaveLength(1));
  expect(seen[0]?.submitter).toBe('go=post');
});

test(`lets a held submit go through after ${SUBMIT_HOLD_MS} ms when the start token never comes`, async () => {
  vi.useFakeTimers();
  const form = mount(COMMENT_FORM);
  protectForm(form, source({ pending: new Promise(() => {}) }));
  const seen = submitAndRecord(form);
  form.requestSubmit(form.querySelector('button'));
  await vi.advanceTimersByTimeAsync(SUBMIT_HOLD_MS - 1);
  expect(seen).toHaveLength(0);
  await vi.advanceTimersByTimeAsync(1);
  expect(seen.map((entry) => entry.submitter)).toEqual(['go=post']);
});

test('lets a held submit go through when the start-token request fails', async () => {
  const form = mount(COMMENT_FORM);
  protectForm(form, source({ pending: Promise.reject(new Error('offline')) }));
  const seen = submitAndRecord(form);
  form.requestSubmit();
  await vi.waitFor(() => expect(seen).toHaveLength(1));
});

test('does not hold or repeat a submit that other code already cancelled', async () => {
  const form = mount(`<div>${COMMENT_FORM}</div>`);
  form.parentElement?.addEventListener('submit', (event) => event.preventDefault(), { capture: true });
  protectForm(form, source({ pending: Promise.resolve() }));
  const seen = submitAndRecord(form);
  form.requestSubmit();
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(seen).toHaveLength(1);
});

test('controls named "addEventListener" and "requestSubmit", which shadow the form\'s in browsers, break nothing', async () => {
  const form = mount(
    '<form><input name="addEventListener"><input name="requestSubmit"><button name="go" value="post">Post</button></form>',
  );
  clobber(form);
  const current = {
    getFields: () => fields(),
    honeypot: false,
    pending: Promise.resolve() as Promise<void> | undefined,
  };
  protectForm(form, current);
  const seen: string[] = [];
  EventTarget.prototype.addEventListener.call(form, 'submit', (event) => {
    event.preventDefault();
    seen.push(value(form, FIELDS.startedAt));
  });
  HTMLFormElement.prototype.requestSubmit.call(form, form.querySelector('button'));
  current.pending = undefined;
  await vi.waitFor(() => expect(seen).toEqual(['1700000000000']));
});

test('disconnect removes the fields it added and stops refreshing them', () => {
  const form = mount(COMMENT_FORM);
  const getFields = vi.fn(() => fields());
  const protector = protectForm(form, source({ getFields, honeypot: true }));
  use(form);
  protector.disconnect();
  expect([...form.elements].map((element) => (element as HTMLInputElement).name)).toEqual(['comment', 'go']);
  submitAndRecord(form);
  form.requestSubmit();
  expect(getFields).toHaveBeenCalledOnce();
});
