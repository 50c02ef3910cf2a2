import {
  BEHAVIOUR_FIELD,
  DEFAULT_DETECTOR_SRC,
  EVENT_TOKEN_FIELD,
  LANG_FIELD,
  PAGE_URL_FIELD,
  REFERRER_FIELD,
  START_TOKEN_FIELD,
  STARTED_AT_FIELD,
  SUBMITTED_AT_FIELD,
  TIME_ZONE_FIELD,
  TZ_OFFSET_FIELD,
} from '@ct-protected-form/fields';
import type { ReactiveController } from '@lit/reactive-element';
import { readBehaviour, recordBehaviour } from './behaviour.js';
import { CONSENT_EVENT } from './consent.js';
import { loadDetector } from './detector.js';
import { dispatch, documentMember, listen } from './dom.js';
import { readEventToken } from './event-token.js';
import { ProtectedFormReadyEvent, reportError } from './events.js';
import { type FieldSource, listenForForms, refresh, unprotect } from './form-protector.js';
import { isOwnField } from './hidden-fields.js';
import type { ProtectionOptions } from './options.js';
import { fetchStartToken } from './start-token.js';

/** How long `ready` waits for the detector's event token before it resolves without one. */
export const READY_TIMEOUT_MS = 5000;

/**
 * What a protection is added to and reads its options from: `<ct-protected-form>`, or auto mode's
 * plain object. The part of Lit's controller-host contract it uses.
 */
export interface ProtectionHost extends ProtectionOptions {
  addController(controller: ReactiveController): void;
  readonly isConnected: boolean;
  readonly hasUpdated: boolean;
}

/** The options that changed, with their previous values: Lit's `changedProperties`. */
export type ChangedOptions = Pick<Map<PropertyKey, unknown>, 'has' | 'get'>;

/** Every option changed: a protection's first configuration. */
const ALL: ChangedOptions = { has: () => true, get: () => ALL };

/** The option's value as an absolute http(s) URL, or null: a blank one would resolve to the page itself. */
function httpUrl(value: string | null | undefined): string | null {
  try {
    const url = new URL(value as string, documentMember('baseURI'));
    if (value?.trim() && /^https?:$/.test(url.protocol)) return url.href;
  } catch {
    // Not a URL.
  }
  return null;
}

/** The options that can hold a bad value: each with its attribute's name and what a good value is. */
const CHECKS: [
  'detectorSrc' | 'startTokenUrl' | 'behaviour' | 'consent',
  string,
  (value: string) => unknown,
][] = [
  ['detectorSrc', 'detector-src', httpUrl],
  ['startTokenUrl', 'start-token-url', httpUrl],
  ['behaviour', 'behaviour', (value) => /^(fallback|always|off)$/.test(value)],
  ['consent', 'consent', (value) => /^(granted|pending)$/.test(value)],
];

/** A body {@link ProtectionController.appendTo} can add the fields to. */
export type FieldsBody = FormData | URLSearchParams | Record<string, unknown>;

// Page-wide work is done once for all protections: one set of form listeners per root, one detector
// load, one token poll, one pageshow and one consent listener, one time-zone lookup.
const live = new Set<ProtectionController>();
/** Each element's protection, and auto mode's under `document`: a form belongs to its nearest. */
const owners = new WeakMap<Node, ProtectionController>();
const roots = new Map<Node, AbortController>();
/** The protections waiting for the detector's token, with the time they give up. */
const waiting = new Map<ProtectionController, number>();
let poll: ReturnType<typeof setInterval> | undefined;
let listening = false;
/** Whether the page-wide consent event came since the first protection connected (and listened). */
let pageConsent = false;
let timeZone: string | undefined;

/**
 * The state of the forms one host protects (those inside a `<ct-protected-form>`, or the page's
 * POST forms in auto mode): start time, start token, consent, the detector's token. It connects
 * and lets go with its host and applies the options its host's update changed. Its events fire on
 * `node`: the element, or `document` in auto mode.
 */
export class ProtectionController implements ReactiveController, FieldSource {
  /** Start time on the visitor's clock, ms since the epoch. Renewed by `reset()` and bfcache restores. */
  startedAt = Date.now();
  /** The start-token request in flight: a submit waits for it. */
  pending: Promise<void> | undefined;
  /**
   * Resolves once the detector's token is there, or the detector failed, took longer than
   * {@link READY_TIMEOUT_MS}, is disabled, or waits for consent. Never rejects.
   */
  readonly ready: Promise<void>;
  readonly #host: ProtectionHost;
  readonly #node: Node;
  readonly #accepts: (form: HTMLFormElement) => boolean;
  #resolve!: () => void;
  /** Where its forms' events are heard, while connected. */
  #root: Node | undefined;
  /** Options changed while out of the document, with the values they had before. */
  #changed: ChangedOptions = ALL;
  /** The current server-signed start token, or `''`. */
  #token = '';
  #consented?: boolean;
  /** Whether the detector's token was waited for during this connection. */
  #active?: boolean;

  constructor(host: ProtectionHost, node = host as unknown as Node, accepts = (_: HTMLFormElement) => true) {
    this.#host = host;
    this.#node = node;
    this.#accepts = accepts;
    this.ready = new Promise((resolve) => {
      this.#resolve = resolve;
    });
    host.addController(this);
  }

  get honeypot(): boolean {
    return !!this.#host.honeypot;
  }

  hostConnected(): void {
    // The first time, the attributes come with the host's first update, a microtask later.
    if (this.#host.hasUpdated) this.configure(this.#changed);
  }

  hostDisconnected(): void {
    this.disconnect();
  }

  /**
   * Applies what the host's update changed (`changedProperties`). A bad value warns and fires
   * `ct-error` when it is set, not again when another option changes.
   */
  configure(changed = ALL): void {
    const host = this.#host;
    const connecting = !this.#root;
    if (connecting && !host.isConnected) {
      if (this.#changed !== ALL) {
        for (const [key, old] of changed as Map<PropertyKey, unknown>) {
          if (!this.#changed.has(key)) (this.#changed as Map<PropertyKey, unknown>).set(key, old);
        }
      }
      return;
    }
    if (connecting) {
      const root = Node.prototype.getRootNode.call(this.#node);
      this.#root = root;
      this.#changed = new Map();
      live.add(this);
      owners.set(this.#node, this);
      if (!roots.has(root)) roots.set(root, listenForForms(root, ProtectionController.#ownerOf));
      if (!listening) {
        listening = true;
        addEventListener('pageshow', (event) => {
          if (event.persisted) for (const protection of live) protection.reset();
        });
        listen(document, CONSENT_EVENT, () => {
          pageConsent = true;
          for (const protection of live) protection.grantConsent();
        });
        // Forms the parser reaches after a protection connected get their honeypot once it has
        // parsed the page (on a page parsed already, this never fires); forms added by script
        // later get it at their first use.
        listen(document, 'DOMContentLoaded', () => {
          for (const protection of live) protection.#refresh(protection.honeypot);
        });
      }
    }
    for (const [option, attribute, valid] of CHECKS) {
      const value = host[option];
      if (value != null && changed.has(option) && changed.get(option) !== value && !valid(value)) {
        reportError(
          this.#node,
          'CT_INVALID_OPTION',
          `ct-protected-form: invalid ${attribute}="${value}" ignored`,
        );
      }
    }
    if (changed.has('startToken')) this.#token = host.startToken ?? '';
    if (host.consent == null || host.consent === 'granted' || pageConsent) this.#consented = true;
    this.#activate();
    if (connecting && !this.#token) this.#renew();
    if (!connecting) this.#refresh(changed.has('honeypot'));
    // Of a form not used yet only the honeypot can change: without it, no form needs a look.
    else if (this.honeypot) this.#refresh(true);
  }

  /** Undoes what connecting did, the fields it added included; answers that come later are ignored. */
  disconnect(): void {
    const root = this.#root;
    const node = this.#node;
    if (!root) return;
    // Only the forms given fields hold inputs of ours: the others are not even looked at, which
    // would make the browser keep a script wrapper for each until a later garbage collection.
    for (const input of query<HTMLInputElement>(node, 'input[name^="ct_"]')) {
      const { form } = input;
      if (form && isOwnField(input) && ProtectionController.#ownerOf(form) === this) unprotect(form);
    }
    live.delete(this);
    waiting.delete(this);
    this.#root = this.pending = this.#active = undefined;
    if (owners.get(node) === this) {
      // Another protection of the same node (a second autoProtect()) takes its forms over.
      const next = [...live].find((other) => other.#node === node);
      if (next) owners.set(node, next);
      else owners.delete(node);
    }
    if (![...live].some((other) => other.#root === root)) {
      roots.get(root)?.abort();
      roots.delete(root);
    }
  }

  /**
   * Fresh values of the hidden fields. `signals: false` leaves `ct_behaviour` empty (see
   * {@link FieldSource.getFields}).
   */
  getFields(form?: HTMLFormElement, signals = true): Record<string, string> {
    const token = this.#consented ? readEventToken() : '';
    timeZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone;
    return {
      [EVENT_TOKEN_FIELD]: token,
      [STARTED_AT_FIELD]: String(this.startedAt),
      [SUBMITTED_AT_FIELD]: String(Date.now()),
      [START_TOKEN_FIELD]: this.#token,
      [TIME_ZONE_FIELD]: timeZone,
      [TZ_OFFSET_FIELD]: String(-new Date().getTimezoneOffset()),
      [PAGE_URL_FIELD]: location.href,
      [REFERRER_FIELD]: documentMember('referrer'),
      [BEHAVIOUR_FIELD]:
        signals && this.#records() && (!token || this.#host.behaviour === 'always')
          ? readBehaviour(form)
          : '',
      [LANG_FIELD]: documentMember('documentElement').lang,
    };
  }

  appendTo<T extends FieldsBody>(body: T): T {
    const fields = this.getFields();
    if (body instanceof FormData || body instanceof URLSearchParams) {
      for (const name in fields) body.set(name, fields[name] as string);
    } else Object.assign(body, fields);
    return body;
  }

  reset(): void {
    this.startedAt = Date.now();
    this.#renew();
    this.#refresh();
  }

  /** Consent is granted: the detector may load and its token be read. */
  grantConsent(): void {
    this.#consented = true;
    this.#activate();
    this.#refresh();
  }

  /**
   * Brings the forms up to date, reading the token and the clock once for all of them: those
   * written already, and with `honeypot` (the option changed) those not used yet.
   */
  #refresh(honeypot = false): void {
    let fields: Record<string, string> | undefined;
    // The forms are looked for when something changed, never watched. Without a honeypot to add,
    // only the forms written already need a look, found by their start-time field: touching every
    // form would give each a script wrapper, which the browser keeps, and on a page of 10,000 forms
    // a visitor's first use of a form then took 150 ms and more instead of a few.
    const forms = honeypot
      ? query<HTMLFormElement>(this.#node, 'form')
      : query<HTMLInputElement>(this.#node, `input[name="${STARTED_AT_FIELD}"]`).map(({ form }) => form);
    for (const form of new Set(forms)) {
      if (form && ProtectionController.#ownerOf(form) === this)
        refresh(form, this, () => (fields ??= this.getFields(undefined, false)), honeypot);
    }
  }

  /** Behaviour is recorded with consent only, and not at all with `behaviour="off"`. */
  #records(): boolean | undefined {
    return this.#consented && this.#host.behaviour !== 'off';
  }

  #renew(): void {
    const url = httpUrl(this.#host.startTokenUrl);
    this.#token = url ? '' : (this.#host.startToken ?? '');
    if (!url || !this.#root) return;
    // An answer to a request that is no longer the pending one (a newer one started, or the host
    // left) is ignored.
    const renewed = (token: string) => {
      if (this.pending !== request) return;
      this.#token = token;
      this.pending = undefined;
      this.#refresh();
    };
    const request: Promise<void> = fetchStartToken(url).then(renewed, (cause) => {
      if (this.pending === request) {
        reportError(this.#node, 'CT_START_TOKEN_FAILED', `No start token from ${url}`, cause);
      }
      renewed('');
    });
    this.pending = request;
  }

  /** Loads the detector and waits for its token: once per connection, and only when allowed to. */
  #activate(): void {
    const host = this.#host;
    if (this.#records()) recordBehaviour();
    if (!this.#root || this.#active) return;
    const src = host.noDetector ? null : httpUrl(host.detectorSrc ?? DEFAULT_DETECTOR_SRC);
    if (!this.#consented || !src) {
      this.#resolve();
      return;
    }
    this.#active = true;
    waiting.set(this, Date.now() + READY_TIMEOUT_MS);
    loadDetector(src, host).catch((cause: Error) => {
      if (waiting.has(this))
        this.#settle(reportError(this.#node, 'CT_DETECTOR_FAILED', cause.message, cause));
    });
    poll ??= setInterval(ProtectionController.#poll, 100);
    ProtectionController.#poll();
  }

  /** The protection a form belongs to: its nearest host's, if that one takes it. */
  static #ownerOf(form: HTMLFormElement): ProtectionController | undefined {
    for (let node: Node | null = form; node; node = node.parentNode) {
      const owner = owners.get(node);
      if (owner) return owner.#accepts(form) ? owner : undefined;
    }
  }

  /** One timer for all the protections waiting: reads the token once a tick, for all of them. */
  static #poll(): void {
    // Storage is read only while a protection with consent waits.
    if (!waiting.size) {
      clearInterval(poll);
      poll = undefined;
      return;
    }
    const token = readEventToken();
    for (const [protection, deadline] of waiting) {
      if (token) protection.#settle(true);
      else if (Date.now() >= deadline) {
        protection.#settle(
          reportError(protection.#node, 'CT_DETECTOR_TIMEOUT', `No detector token in ${READY_TIMEOUT_MS} ms`),
        );
      }
    }
  }

  #settle(hasToken: boolean): void {
    waiting.delete(this);
    this.#refresh();
    dispatch(this.#node, new ProtectedFormReadyEvent(hasToken));
    this.#resolve();
  }
}

/** The node's matches of `selector`, through the prototype: a form named "querySelectorAll" shadows the document's. */
function query<E extends Element>(node: Node, selector: string): E[] {
  const { querySelectorAll } = node === document ? Document.prototype : Element.prototype;
  return [...(querySelectorAll.call(node, selector) as NodeListOf<E>)];
}
