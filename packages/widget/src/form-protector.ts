import { SUBMITTED_AT_FIELD } from '@ct-protected-form/fields';
import { listen } from './dom.js';
import { removeOwnFields, writeFields } from './hidden-fields.js';

/** The longest a submit waits for a start token still on its way; then it goes through without. */
export const SUBMIT_HOLD_MS = 2000;

/** What the form listeners take from the protection a form belongs to. */
export interface FieldSource {
  /**
   * Fresh values of the contract's hidden fields (the honeypot aside); with the `form` being
   * submitted, also which of its fields a person could see. With `signals` false, `ct_behaviour`
   * may be left empty: reading the page's size forces a layout, too slow for a first focus or
   * keystroke, and the submit and `formdata` writes put fresh signals in anyway.
   */
  getFields(form?: HTMLFormElement, signals?: boolean): Record<string, string>;
  /** Whether the forms get the honeypot field. */
  readonly honeypot: boolean;
  /** A start token being fetched: a submit waits for it, at most {@link SUBMIT_HOLD_MS}. */
  readonly pending: Promise<unknown> | undefined;
}

/** Forms whose fields were written: from then on they are kept fresh. */
const written = new WeakSet<HTMLFormElement>();

// Through the prototypes: a control named "requestSubmit" shadows the form's member.
const { requestSubmit } = HTMLFormElement.prototype;
const { closest } = Element.prototype;

/** Writes fresh fields (or `values`) into the form now; the submit time only when `submitting`. */
export function write(
  form: HTMLFormElement,
  source: FieldSource,
  values = source.getFields(undefined, false),
  submitting?: boolean,
): void {
  const fields = { ...values };
  if (!submitting) delete fields[SUBMITTED_AT_FIELD];
  written.add(form);
  writeFields(form, fields, source.honeypot);
}

/**
 * Brings the form up to date after its source changed: the fields if it was written already
 * (`fields()` gives the values, fresh ones by default), else the honeypot, unless `honeypot` is
 * false (nothing to change).
 */
export function refresh(
  form: HTMLFormElement,
  source: FieldSource,
  fields?: () => Record<string, string>,
  honeypot = true,
): void {
  if (written.has(form)) write(form, source, fields?.());
  else if (honeypot) writeFields(form, {}, source.honeypot);
}

/** Takes the form's fields away: it counts as never used again. */
export function unprotect(form: HTMLFormElement): void {
  written.delete(form);
  removeOwnFields(form);
}

/**
 * Serves every protected form under `root` (a document or a shadow root: `submit` and `formdata`
 * do not leave a shadow tree) with one set of capture listeners; `ownerOf` tells which protection,
 * if any, a form belongs to. So a page with many protections or late forms needs no per-form object
 * and no observer. The fields are written at a form's first use (focus, pointer down, input) and at
 * the latest at its submit, before the page's own submit handlers run, so that code serialising
 * `form.elements` sees them; `new FormData(form)` (and `form.submit()`) get fresh values in the data
 * set in any case. A submit waits briefly for a start token still on its way. Aborting the returned
 * controller removes the listeners.
 */
export function listenForForms(
  root: Node,
  ownerOf: (form: HTMLFormElement) => FieldSource | undefined,
): AbortController {
  const abort = new AbortController();
  let resubmitting = false;
  /** Forms whose submit is held for the start token. */
  const held = new WeakSet<HTMLFormElement>();
  const on = <E extends Event>(
    type: string,
    handler: (event: E, form: HTMLFormElement, source: FieldSource) => unknown,
  ) =>
    listen(
      root,
      type,
      (event) => {
        const { target } = event;
        // A control's own form (which `form="…"` may put elsewhere), else the form around the
        // target or the target itself; a form's `form` is only ever a control named so.
        let form: unknown = (target as HTMLInputElement).form;
        if (!(form instanceof HTMLFormElement))
          form = target instanceof Element && closest.call(target, 'form');
        const source = form instanceof HTMLFormElement && ownerOf(form);
        if (source) handler(event as E, form as HTMLFormElement, source);
      },
      // No `passive`: it changes nothing but for touch and wheel listeners.
      { capture: true, signal: abort.signal },
    );
  for (const type of ['focusin', 'pointerdown', 'input']) {
    on(type, (_, form, source) => written.has(form) || write(form, source));
  }
  on<SubmitEvent>('submit', (event, form, source) => {
    const { pending } = source;
    const hold = !resubmitting && (held.has(form) || (pending && !event.defaultPrevented));
    if (!hold) return write(form, source, source.getFields(form), true);
    // Held, then submitted again with the same submitter, so that the clicked button's name and
    // value are still sent. The page's own handlers only see the second submit.
    event.preventDefault();
    event.stopImmediatePropagation();
    // A submit while one is held (a double click) is dropped: the page's own guard against double
    // submission, often a submit handler disabling the button, has not run yet to stop it.
    if (held.has(form)) return;
    held.add(form);
    const resubmit = () => {
      held.delete(form);
      resubmitting = true;
      try {
        requestSubmit.call(form, event.submitter);
      } catch {
        // The submitter left the form meanwhile: submit without it rather than not at all.
        requestSubmit.call(form);
      } finally {
        resubmitting = false;
      }
    };
    void Promise.race([pending, new Promise((resolve) => setTimeout(resolve, SUBMIT_HOLD_MS))]).then(
      resubmit,
      resubmit,
    );
  });
  // `formdata` does not bubble; the capture phase still passes the root. An empty value of ours
  // leaves one already in the data set (the detector's token) alone.
  on<FormDataEvent>('formdata', ({ formData }, form, source) => {
    const fields = source.getFields(form);
    for (const name in fields) formData.set(name, fields[name] || String(formData.get(name) ?? ''));
  });
  return abort;
}
