/**
 * The script-tag build: registers `<ct-protected-form>` and, with `data-auto` on its own `<script>`
 * tag, protects the page's POST forms (auto mode). Exposed as the global `CTProtectedForm`.
 *
 * ```html
 * <script src="ct-protected-form.min.js" data-auto data-honeypot defer></script>
 * ```
 */
import './define.js';
import { autoProtect } from './auto.js';
import { documentMember, querySelector } from './dom.js';

export { autoProtect } from './auto.js';
export { ProtectedFormElement } from './protected-form-element.js';

const script = (documentMember('currentScript') ??
  querySelector('script[data-auto][src*="ct-protected-form"]')) as HTMLScriptElement | null;
const data = script?.dataset;

/**
 * Auto mode's protection when the tag has `data-auto`: e.g. `CTProtectedForm.autoProtection.reset()`
 * after a form was sent with AJAX, `.appendTo(body)` for a hand-made request.
 */
export const autoProtection =
  data?.auto == null
    ? undefined
    : autoProtect({
        // The tag's data-* attributes are the options, camelCased; the boolean ones count when present.
        ...data,
        selector: data.auto,
        noDetector: data.noDetector != null,
        honeypot: data.honeypot != null,
        nonce: script?.nonce,
      });
