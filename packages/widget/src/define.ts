import type { ProtectedFormErrorEvent, ProtectedFormReadyEvent } from './events.js';
import { ProtectedFormElement, TAG_NAME } from './protected-form-element.js';

if (typeof customElements !== 'undefined' && !customElements.get(TAG_NAME)) {
  customElements.define(TAG_NAME, ProtectedFormElement);
}

declare global {
  interface HTMLElementTagNameMap {
    'ct-protected-form': ProtectedFormElement;
  }
  interface HTMLElementEventMap {
    'ct-ready': ProtectedFormReadyEvent;
    'ct-error': ProtectedFormErrorEvent;
  }
  /** Auto mode fires its events on `document`. */
  interface DocumentEventMap {
    'ct-ready': ProtectedFormReadyEvent;
    'ct-error': ProtectedFormErrorEvent;
    'ct-consent-granted': Event;
  }
}

export { ProtectedFormElement };
