import { FIELDS } from '@ct-protected-form/fields';
import { removeOwnFields, writeFields } from './hidden-fields.js';

/** The longest a submit waits for a start token still on its way; then it goes through without. */
export const SUBMIT_HOLD_MS = 2000;

/** What a form's protector takes from the protection it belongs to. */
export interface FieldSource {
  /**
   * Fresh values of the contract's hidden fields (the honeypot aside); with the `form` being
   * submitted, also which of its fields a person could see.
   */
  getFields(form?: HTMLFormElement): Record<string, string>;
  /** Whether the form gets the honeypot field. */
  readonly honeypot: boolean;
  /** A start token being fetched: a submit waits for it, at most {@link SUBMIT_HOLD_MS}. */
  readonly pending: Promise<unknown> | undefined;
}

/** The controller of one protected form. */
export interface FormProtector {
  /**
   * Writes `fields` (by default fresh values from the source) into the form's hidden fields now,
   * adding the inputs if they are not there yet; the submit time only when `submitting`.
   */
  write(fields?: Record<string, string>, submitting?: boolean): void;
  /**
   * Brings the form up to date after a change of the source: refreshes the hidden fields if they
   * were written already (`fields()` gives the values), and adds or removes the honeypot.
   */
  refresh(fields?: () => Record<string, string>): void;
  /** Stops listening and removes the inputs it added; the author's and the detector's stay. */
  disconnect(): void;
}

/** The first sign of a visitor using a form: its hidden fields are written then. */
const INTERACTIONS = ['focusin', 'pointerdown', 'input'] as const;

/**
 * Protects one bare `<form>`, wrapped or not. Protecting costs only listeners: the hidden fields
 * are written the first time the form is used (focus, pointer down, input) and at the latest when
 * it is submitted, before the page's own submit handlers run, so that code serialising
 * `form.elements` sees them. `new FormData(form)` (and `form.submit()`) carry fresh values in any
 * case, written into the data set. The honeypot, which a bot must find in the markup, is added at
 * once. A submit is held briefly while a start token is still being fetched. Changes nothing else
 * about the form.
 */
export function protectForm(form: HTMLFormElement, source: FieldSource): FormProtector {
  // Through the prototypes: a control named "addEventListener" or "requestSubmit" shadows the form's.
  const listen = EventTarget.prototype.addEventListener.bind(form) as HTMLFormElement['addEventListener'];
  const requestSubmit = HTMLFormElement.prototype.requestSubmit.bind(form);
  const abort = new AbortController();
  const options = { capture: true, signal: abort.signal };
  let written = false;
  let resubmitting = false;
  const write = (values = source.getFields(), submitting?: boolean) => {
    const fields = { ...values };
    if (!submitting) delete fields[FIELDS.submittedAt];
    written = true;
    writeFields(form, fields, source.honeypot);
  };
  const firstUse = () => written || write();
  for (const type of INTERACTIONS) listen(type, firstUse, { ...options, passive: true });
  listen(
    'submit',
    (event) => {
      const { pending } = source;
      if (!pending || resubmitting || event.defaultPrevented) return write(source.getFields(form), true);
      // Hold the submit, then submit again with the same submitter, so that the clicked button's
      // name and value are still sent. The page's own handlers only see the second submit.
      event.preventDefault();
      event.stopImmediatePropagation();
      const resubmit = () => {
        resubmitting = true;
        try {
          requestSubmit(event.submitter);
        } catch {
          // The submitter left the form meanwhile: submit without it rather than not at all.
          requestSubmit();
        } finally {
          resubmitting = false;
        }
      };
      void Promise.race([pending, new Promise((resolve) => setTimeout(resolve, SUBMIT_HOLD_MS))]).then(
        resubmit,
        resubmit,
      );
    },
    options,
  );
  // `new FormData(form)` (and every native submission) fires `formdata`: fresh values go into the
  // data set even when code serialises a form nobody has used, without a submit event.
  listen(
    'formdata',
    ({ formData }) => {
      for (const [name, value] of Object.entries(source.getFields(form))) {
        formData.set(name, value || String(formData.get(name) ?? ''));
      }
    },
    { signal: abort.signal },
  );
  if (source.honeypot) writeFields(form, {}, true);
  return {
    write,
    refresh(fields = () => source.getFields()) {
      if (written) write(fields());
      else writeFields(form, {}, source.honeypot);
    },
    disconnect() {
      abort.abort();
      removeOwnFields(form);
    },
  };
}
