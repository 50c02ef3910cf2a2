import { FIELDS } from '@ct-protected-form/fields';
import { writeFields } from './hidden-fields.js';

/** The longest a submit waits for a start token still on its way; then it goes through without. */
export const SUBMIT_HOLD_MS = 2000;

/** What the form listeners take from the protection they belong to. */
export interface FieldSource {
  /**
   * Fresh values of the contract's hidden fields (the honeypot aside); with the `form` being
   * submitted, also which of its fields a person could see.
   */
  getFields(form?: HTMLFormElement): Record<string, string>;
  /** Whether the forms get the honeypot field. */
  readonly honeypot: boolean;
  /** A start token being fetched: a submit waits for it, at most {@link SUBMIT_HOLD_MS}. */
  readonly pending: Promise<unknown> | undefined;
}

/** The forms under one root, as {@link protectForms} keeps them. */
export interface FormsProtector {
  /**
   * Writes `fields` (by default fresh values from the source) into the form's hidden fields now,
   * adding the inputs if they are not there yet; the submit time only when `submitting`.
   */
  write(form: HTMLFormElement, fields?: Record<string, string>, submitting?: boolean): void;
  /**
   * Brings the form up to date after a change of the source: refreshes the hidden fields if they
   * were written already (`fields()` gives the values); in a form not used yet, adds or removes
   * the honeypot unless `honeypot` is false (nothing to change there).
   */
  refresh(form: HTMLFormElement, fields?: () => Record<string, string>, honeypot?: boolean): void;
}

/** The first sign of a visitor using a form: its hidden fields are written then. */
const INTERACTIONS = ['focusin', 'pointerdown', 'input'] as const;

// Through the prototypes: a control named "requestSubmit" shadows the form's member, and a form named
// "addEventListener" the document's.
const { requestSubmit } = HTMLFormElement.prototype;
const { addEventListener } = EventTarget.prototype;
const { closest } = Element.prototype;

/**
 * Protects the forms under `root` that `accepts` takes, now and whenever they are added, with one
 * set of capture listeners on `root`: no per-form object, no observer. The hidden fields are
 * written the first time a form is used (focus, pointer down, input) and at the latest when it is
 * submitted, before the page's own submit handlers run, so that code serialising `form.elements`
 * sees them. `new FormData(form)` (and `form.submit()`) carry fresh values in any case, written into
 * the data set. A submit is held briefly while a start token is still being fetched. Listening
 * stops when `signal` aborts.
 */
export function protectForms(
  root: EventTarget,
  accepts: (form: HTMLFormElement) => boolean,
  source: FieldSource,
  signal: AbortSignal,
): FormsProtector {
  const written = new WeakSet<HTMLFormElement>();
  let resubmitting = false;
  /** The protected form an event is about: the form itself, or the form of the control it hit. */
  const formOf = ({ target }: Event) => {
    const form =
      target instanceof HTMLFormElement
        ? target
        : target instanceof Element
          ? ((target as HTMLInputElement).form ?? closest.call(target, 'form'))
          : null;
    return form instanceof HTMLFormElement && accepts(form) ? form : null;
  };
  const listen = <E extends Event>(type: string, handler: (event: E, form: HTMLFormElement) => void) =>
    addEventListener.call(
      root,
      type,
      (event) => {
        const form = formOf(event);
        if (form) handler(event as E, form);
      },
      { capture: true, passive: type !== 'submit', signal },
    );
  const self: FormsProtector = {
    write(form, values = source.getFields(), submitting) {
      const fields = { ...values };
      if (!submitting) delete fields[FIELDS.submittedAt];
      written.add(form);
      writeFields(form, fields, source.honeypot);
    },
    refresh(form, fields = () => source.getFields(), honeypot = true) {
      if (written.has(form)) self.write(form, fields());
      else if (honeypot) writeFields(form, {}, source.honeypot);
    },
  };
  for (const type of INTERACTIONS) listen(type, (_, form) => written.has(form) || self.write(form));
  listen<SubmitEvent>('submit', (event, form) => {
    const { pending } = source;
    if (!pending || resubmitting || event.defaultPrevented) {
      self.write(form, source.getFields(form), true);
      return;
    }
    // Hold the submit, then submit again with the same submitter, so that the clicked button's
    // name and value are still sent. The page's own handlers only see the second submit.
    event.preventDefault();
    event.stopImmediatePropagation();
    const resubmit = () => {
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
  // `new FormData(form)` (and every native submission) fires `formdata`: fresh values go into the
  // data set even when code serialises a form nobody has used, without a submit event. It does not
  // bubble; the capture phase still passes the root.
  listen<FormDataEvent>('formdata', ({ formData }, form) => {
    for (const [name, value] of Object.entries(source.getFields(form))) {
      formData.set(name, value || String(formData.get(name) ?? ''));
    }
  });
  return self;
}
