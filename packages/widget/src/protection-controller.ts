import type { PropertyValues, ReactiveController, ReactiveElement } from '@lit/reactive-element';
import type { ProtectionOptions } from './options.js';
import { createProtection, type Protection } from './protection.js';

/** An element whose attributes are the {@link ProtectionOptions}, protecting the forms inside it. */
export type ProtectionHost = ReactiveElement & ProtectionOptions;

/**
 * The element's protection as a Lit controller: it connects with its host and lets go with it,
 * and applies the options its host's update changed (the host hands over `changedProperties`, which
 * a controller's own hooks do not see). Events fire on the host.
 */
export class ProtectionController implements ReactiveController {
  /** The start time, token, detector and form listeners of the host's forms. */
  readonly protection: Protection;
  readonly #host: ProtectionHost;
  /** Options changed while the host was out of the document, with the values they had before. */
  #changedOut: PropertyValues = new Map();

  constructor(host: ProtectionHost) {
    this.#host = host;
    this.protection = createProtection(host);
    host.addController(this);
  }

  hostConnected(): void {
    // The first time, attributes are read by the first update, which follows in a microtask. Later,
    // what changed while it was out counts: a bad value is reported once, when it is set.
    const host = this.#host;
    if (host.hasUpdated) this.protection.connect(host, host, undefined, this.#changedOut);
    this.#changedOut = new Map();
  }

  hostDisconnected(): void {
    this.protection.disconnect();
  }

  /** Applies what the host's update changed: call it from the host's `updated(changedProperties)`. */
  hostUpdatedWith(changed: PropertyValues): void {
    const host = this.#host;
    if (!host.isConnected) {
      for (const [key, old] of changed) if (!this.#changedOut.has(key)) this.#changedOut.set(key, old);
    } else if (this.protection.connected) this.protection.configure(host, changed);
    else this.protection.connect(host, host, undefined, changed);
  }
}
