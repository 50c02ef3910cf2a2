/**
 * Template typings for `<ct-protected-form>` in React 19, Preact and Vue. Opt in with one line
 * anywhere in the project:
 *
 * ```ts
 * import type {} from '@ct-protected-form/widget/jsx';
 * ```
 *
 * Each block augments its framework's own types, so it only applies where that framework is
 * installed (with `skipLibCheck`, the default of every framework template, the others are ignored).
 * No framework is a dependency of this package.
 */
import type { DefineComponent } from 'vue';
import type { ProtectedFormErrorEvent, ProtectedFormReadyEvent } from './events.js';
import type { ProtectedFormElement } from './protected-form-element.js';

/** The attributes of `<ct-protected-form>`, as written in markup. */
export interface ProtectedFormAttributes {
  /** URL of the bot detector. @default DEFAULT_DETECTOR_SRC */
  'detector-src'?: string;
  /** Do not load the detector. @default false */
  'no-detector'?: boolean;
  /** Subresource Integrity hash of the detector's script. */
  integrity?: string;
  /** `"pending"` until the visitor agrees, then `"granted"`. @default "granted" */
  consent?: 'pending' | 'granted';
  /** Add the `ct_hp` honeypot field. @default false */
  honeypot?: boolean;
  /**
   * When to send the fallback signals (`ct_behaviour`): without an event token, always, or never
   * (nothing is recorded). @default 'fallback'
   */
  behaviour?: 'fallback' | 'always' | 'off';
  /** A server-signed start token rendered into the page. */
  'start-token'?: string;
  /** Where to GET a fresh start token (JSON `{"token": "…"}`). */
  'start-token-url'?: string;
}

/** React 19 passes `on<event-name>` props of custom elements to `addEventListener('<event-name>')`. */
export interface ProtectedFormReactEvents {
  'onct-ready'?: (event: ProtectedFormReadyEvent) => void;
  'onct-error'?: (event: ProtectedFormErrorEvent) => void;
}

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'ct-protected-form': DetailedHTMLProps<HTMLAttributes<ProtectedFormElement>, ProtectedFormElement> &
        ProtectedFormAttributes &
        ProtectedFormReactEvents;
    }
  }
}

declare module 'preact' {
  namespace JSX {
    interface IntrinsicElements {
      // A div's attributes: the way to name Preact's HTML attributes that works in Preact 10 and 11.
      'ct-protected-form': IntrinsicElements['div'] & ProtectedFormAttributes;
    }
  }
}

declare module 'vue' {
  interface GlobalComponents {
    'ct-protected-form': DefineComponent<ProtectedFormAttributes>;
  }
}
