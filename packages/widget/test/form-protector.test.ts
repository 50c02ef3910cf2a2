import { FIELDS } from '@ct-protected-form/fields';
import { expect, test, vi } from 'vitest';
import { type FieldSource, protectForm, SUBMIT_HOLD_MS } from '../src/form-protector.js';
import { mount, token, value, values } from './helpers.js';

const fields = (overrides: Record<string, string> = {}): Record<string, string> => ({
  [FIELDS.eventToken]: token(),
  [FIELDS.startedAt]: '1700000000000',
  [FIELDS.submittedAt]: String(Date.now()),
  [FIELDS.jsProof]: 'proof',
  ...overrides,
});

function source(overrides: Partial<FieldSource> = {}): FieldSource {
  return { getFields: () => fields(), honeypot: false, pending: undefined, ...overrides };
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

test('writes the hidden fields into a bare form, without the submit time, and touches nothing else', () => {
  const form = mount(COMMENT_FORM);
  const before = form.innerHTML;
  protectForm(form, source());
  expect(value(form, FIELDS.startedAt)).toBe('1700000000000');
  expect(value(form, FIELDS.eventToken)).toBe(token());
  expect(values(form, FIELDS.submittedAt)).toEqual([]);
  expect(form.innerHTML.startsWith(before)).toBe(true);
  expect(form.parentElement).toBe(document.body);
  expect(form.getAttribute('action')).toBe('/comments');
});

test("refreshes the fields at submit, before the page's own submit handlers read them", () => {
  const form = mount(COMMENT_FORM);
  let current = fields({ [FIELDS.eventToken]: '' });
  protectForm(form, source({ getFields: () => current }));
  current = fields({ [FIELDS.eventToken]: token('n'), [FIELDS.submittedAt]: '1700000009000' });
  const seen = submitAndRecord(form);
  form.requestSubmit();
  expect(seen).toHaveLength(1);
  expect(seen[0]?.fields.getAll(FIELDS.eventToken)).toEqual([token('n')]);
  expect(seen[0]?.fields.get(FIELDS.submittedAt)).toBe('1700000009000');
});

test('adds the honeypot when the source asks for it', () => {
  const form = mount(COMMENT_FORM);
  protectForm(form, source({ honeypot: true }));
  expect(value(form, FIELDS.honeypot)).toBe('');
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

test('disconnect removes the fields it added and stops refreshing them', () => {
  const form = mount(COMMENT_FORM);
  const getFields = vi.fn(() => fields());
  const protector = protectForm(form, source({ getFields, honeypot: true }));
  protector.disconnect();
  expect([...form.elements].map((element) => (element as HTMLInputElement).name)).toEqual(['comment', 'go']);
  submitAndRecord(form);
  form.requestSubmit();
  expect(getFields).toHaveBeenCalledOnce();
});
