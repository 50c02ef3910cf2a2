import type { ProtectedFormErrorEvent, ProtectedFormReadyEvent } from './events.js';
import { ProtectedFormElement } from './protected-form-element.js';

ProtectedFormElement.define();

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
