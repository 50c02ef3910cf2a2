import { createElement } from './dom.js';
import { reportError } from './events.js';
import type { ProtectionOptions } from './options.js';
import { TAG_NAME } from './protected-form-element.js';
import { ProtectionController } from './protection-controller.js';

/** Options of {@link autoProtect}. */
export interface AutoProtectOptions extends ProtectionOptions {
  /**
   * Which forms to protect: a CSS selector, of whose matches only `method="post"` forms are taken.
   * An invalid selector warns and falls back to the default.
   * @default "form"
   */
  selector?: string | undefined;
}

/**
 * Auto mode: protects every POST form of the page that matches `selector`, including forms added
 * later (listeners on `document` catch them; nothing watches the DOM), without wrapping them or
 * changing the page's markup (beyond the hidden fields). Forms inside a `<ct-protected-form>` are
 * left to it. Events fire on `document`. Returns the protection; its `disconnect()` stops auto mode.
 */
export function autoProtect(options: AutoProtectOptions = {}): ProtectionController {
  let selector = options.selector || 'form';
  try {
    // Checked with the call that picks the forms: a DOM may parse lazily what querySelector need not.
    createElement('form').matches(selector);
  } catch {
    // Worded as the element's invalid options: "form", the default, is used instead.
    reportError(document, 'CT_INVALID_OPTION', `ct-protected-form: invalid auto="${selector}" ignored`);
    selector = 'form';
  }
  // Through the prototype: a control named like one of these methods shadows the form's own.
  const { closest, getAttribute, matches } = Element.prototype;
  // The element's controller on a host of its own: always in the document, its options set once.
  const protection = new ProtectionController(
    { ...options, addController() {}, isConnected: true, hasUpdated: true },
    document,
    // The attribute, not `form.method`, which an input named "method" would shadow.
    (form) =>
      getAttribute.call(form, 'method')?.toLowerCase() === 'post' &&
      matches.call(form, selector) &&
      !closest.call(form, TAG_NAME),
  );
  protection.hostConnected();
  return protection;
}

/** What {@link autoProtect} answers: `getFields()`, `appendTo()`, `reset()`, `ready`, `disconnect()`. */
export type { ProtectionController } from './protection-controller.js';
