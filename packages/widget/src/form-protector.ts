import { FIELDS } from '@ct-protected-form/fields';
import { removeOwnFields, writeFields } from './hidden-fields.js';

/** The longest a submit waits for a start token still on its way; then it goes through without. */
export const SUBMIT_HOLD_MS = 2000;

/** What a form's protector takes from the protection it belongs to. */
export interface FieldSource {
  /** Fresh values of the contract's hidden fields (the honeypot aside). */
  getFields(): Record<string, string>;
  /** Whether the form gets the honeypot field. */
  readonly honeypot: boolean;
  /** A start token being fetched: a submit waits for it, at most {@link SUBMIT_HOLD_MS}. */
  readonly pending: Promise<unknown> | undefined;
}

/** The controller of one protected form. */
export interface FormProtector {
  /**
   * Writes `fields` (by default fresh values from the source) into the form's hidden fields; the
   * submit time only when `submitting`.
   */
  write(fields?: Record<string, string>, submitting?: boolean): void;
  /** Stops listening and removes the inputs it added; the author's and the detector's stay. */
  disconnect(): void;
}

/**
 * Protects one bare `<form>`, wrapped or not: writes the hidden fields now (`fields`, when the
 * caller already has them for many forms), refreshes them when the form is submitted (before the
 * page's own submit handlers run) or serialised with `new FormData(form)`, and holds a submit briefly
 * while a start token is still being fetched. Changes nothing else about the form.
 */
export function protectForm(
  form: HTMLFormElement,
  source: FieldSource,
  fields: Record<string, string> = source.getFields(),
): FormProtector {
  const abort = new AbortController();
  let resubmitting = false;
  const write = (values = source.getFields(), submitting?: boolean) => {
    const fields = { ...values };
    if (!submitting) delete fields[FIELDS.submittedAt];
    writeFields(form, fields, source.honeypot);
  };
  form.addEventListener(
    'submit',
    (event) => {
      const { pending } = source;
      if (!pending || resubmitting || event.defaultPrevented) return write(undefined, true);
      // Hold the submit, then submit again with the same submitter, so that the clicked button's
      // name and value are still sent. The page's own handlers only see the second submit.
      event.preventDefault();
      event.stopImmediatePropagation();
      const resubmit = () => {
        resubmitting = true;
        try {
          form.requestSubmit(event.submitter);
        } catch {
          // The submitter left the form meanwhile: submit without it rather than not at all.
          form.requestSubmit();
        } finally {
          resubmitting = false;
        }
      };
      void Promise.race([pending, new Promise((resolve) => setTimeout(resolve, SUBMIT_HOLD_MS))]).then(
        resubmit,
        resubmit,
      );
    },
    { capture: true, signal: abort.signal },
  );
  // `new FormData(form)` (and every native submission) fires `formdata`: fresh values go into the
  // data set even when code serialises the form without a submit event.
  form.addEventListener(
    'formdata',
    ({ formData }) => {
      for (const [name, value] of Object.entries(source.getFields())) {
        formData.set(name, value || String(formData.get(name) ?? ''));
      }
    },
    { signal: abort.signal },
  );
  write(fields);
  return {
    write,
    disconnect() {
      abort.abort();
      removeOwnFields(form);
    },
  };
}
