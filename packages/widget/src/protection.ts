import { DEFAULT_DETECTOR_SRC, FIELDS } from '@ct-protected-form/fields';
import { readBehaviour, recordBehaviour } from './behaviour.js';
import { hasPageConsent, onPageConsent } from './consent.js';
import { loadDetector } from './detector.js';
import { readEventToken } from './event-token.js';
import { ProtectedFormReadyEvent, reportError } from './events.js';
import { type FieldSource, type FormsProtector, protectForms } from './form-protector.js';
import { removeOwnFields } from './hidden-fields.js';
import type { ProtectionOptions } from './options.js';
import { fetchStartToken } from './start-token.js';

/** How long `ready` waits for the detector's event token before it resolves without one. */
export const READY_TIMEOUT_MS = 5000;

/** The visitor's IANA time zone, looked up once: `Intl.DateTimeFormat()` is slow to create. */
let timeZone: string | undefined;

/**
 * The connected protections. One listener on the page, added with the first connection, serves
 * them all: a back/forward-cache restore resets each, page-wide consent reaches each.
 */
const live = new Set<Protection>();
let listening = false;
function listenToPage(): void {
  if (listening) return;
  listening = true;
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) for (const protection of live) protection.reset();
  });
  onPageConsent(() => {
    for (const protection of live) protection.grantConsent();
  });
}

/** The options that changed, by property name, with their previous values: a Lit element's `changedProperties`. */
export interface ChangedOptions {
  has(option: keyof ProtectionOptions): boolean;
  get(option: keyof ProtectionOptions): unknown;
}

/** Every option changed: the first configuration. */
const ALL: ChangedOptions = { has: () => true, get: () => ALL };

/** A body {@link Protection.appendTo} can add the fields to. */
export type FieldsBody = FormData | URLSearchParams | Record<string, unknown>;

/**
 * The shared state of a group of protected forms (the forms inside one `<ct-protected-form>`, or the
 * page's forms in auto mode): start time, start token, consent, the detector, and the capture
 * listeners that write the forms' fields. Its events fire on the target given to {@link createProtection}.
 */
export interface Protection extends FieldSource {
  /** Start time on the visitor's clock, ms since the epoch. Renewed by `reset()` and bfcache restores. */
  startedAt: number;
  /** The current server-signed start token, or `''`. */
  startToken: string;
  /** The start-token request in flight, if any. */
  pending: Promise<void> | undefined;
  /**
   * Resolves once the detector's token is there, or the detector failed, took longer than
   * {@link READY_TIMEOUT_MS}, is disabled, or waits for consent. Never rejects.
   */
  readonly ready: Promise<void>;
  /** Whether it is connected. */
  readonly connected: boolean;
  /**
   * Applies `options` and protects the forms under `root` that `accepts` takes, those added later
   * included. Calling it again reconnects; start time and start token are kept.
   */
  connect(
    options: ProtectionOptions,
    root: ParentNode,
    accepts?: (form: HTMLFormElement) => boolean,
    changed?: ChangedOptions,
  ): void;
  /** Undoes everything `connect()` did, including the fields it added. */
  disconnect(): void;
  /**
   * Applies changed options. The detector's source counts when it first loads; consent, the
   * honeypot and a server-rendered start token apply at once. A bad value warns and fires
   * `ct-error` when its option is among the `changed` ones (all, by default): once, when it is set.
   */
  configure(options: ProtectionOptions, changed?: ChangedOptions): void;
  /** Sets the fresh fields on a `FormData`, `URLSearchParams` or plain-object body, and returns it. */
  appendTo<T extends FieldsBody>(body: T): T;
  /** Starts over after a submit that stayed on the page: new start time, new start token. */
  reset(): void;
  /** Consent is granted: the detector may load and its token be read. */
  grantConsent(): void;
}

interface Settings {
  src: string | null;
  nonce?: string | undefined;
  integrity?: string | null | undefined;
  honeypot?: boolean | undefined;
  startToken: string;
  startTokenUrl: string | null;
  behaviour?: string | null | undefined;
}

/** Creates a {@link Protection} whose `ct-ready` and `ct-error` events fire on `target`. */
export function createProtection(target: EventTarget): Protection {
  let settings: Settings = { src: null, startToken: '', startTokenUrl: null };
  let abort: AbortController | undefined;
  let listeners: FormsProtector | undefined;
  /** The protected forms on the page now: read when the settings change, never watched. */
  let forms: () => HTMLFormElement[] = () => [];
  /** Whether the last settings asked for the honeypot: forms not used yet need it removed then. */
  let hadHoneypot = false;
  let active: AbortSignal | undefined;
  let consented = false;
  let resolveReady!: () => void;

  /** Brings every form up to date, reading the token and the clock once for all of them. */
  const writeAll = () => {
    let fields: Record<string, string> | undefined;
    if (!listeners) return;
    // Forms not used yet only change when the honeypot comes or goes.
    const honeypot = !!settings.honeypot || hadHoneypot;
    hadHoneypot = !!settings.honeypot;
    for (const form of forms()) listeners.refresh(form, () => (fields ??= self.getFields()), honeypot);
  };

  const renewStartToken = () => {
    const { startToken, startTokenUrl } = settings;
    const signal = abort?.signal;
    self.startToken = startTokenUrl ? '' : startToken;
    if (!startTokenUrl || !signal) return;
    const request: Promise<void> = fetchStartToken(startTokenUrl, signal)
      .then(
        (token) => {
          if (self.pending === request) self.startToken = token;
        },
        (cause) => {
          if (self.pending === request) {
            reportError(
              target,
              'CT_START_TOKEN_FAILED',
              `Could not get a start token from ${startTokenUrl}`,
              cause,
            );
          }
        },
      )
      .then(() => {
        if (self.pending !== request) return;
        self.pending = undefined;
        writeAll();
      });
    self.pending = request;
  };

  /** Behaviour is recorded with consent only, and not at all with `behaviour="off"`. */
  const collects = () => consented && settings.behaviour !== 'off';

  /** Loads the detector and waits for its token: once per connection, and only when allowed to. */
  const activate = () => {
    const { src, nonce, integrity } = settings;
    const signal = abort?.signal;
    if (collects()) recordBehaviour();
    if (!signal || signal === active) return;
    if (!consented || !src) return resolveReady();
    active = signal;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let done = false;
    const settle = (hasToken: boolean) => {
      if (done || signal.aborted) return;
      done = true;
      writeAll();
      target.dispatchEvent(new ProtectedFormReadyEvent(hasToken));
      resolveReady();
    };
    const poll = () => {
      if (done || signal.aborted) clearInterval(timer);
      else if (readEventToken()) settle(true);
      else if (Date.now() >= deadline) {
        settle(
          reportError(
            target,
            'CT_DETECTOR_TIMEOUT',
            `No token from the bot detector in ${READY_TIMEOUT_MS} ms`,
          ),
        );
      }
    };
    const timer = setInterval(poll, 100);
    loadDetector(src, { nonce, integrity }).catch(
      (cause: Error) =>
        signal.aborted || settle(reportError(target, 'CT_DETECTOR_FAILED', cause.message, cause)),
    );
    poll();
  };

  const self: Protection = {
    startedAt: Date.now(),
    startToken: '',
    pending: undefined,
    ready: new Promise((resolve) => {
      resolveReady = resolve;
    }),
    get honeypot() {
      return !!settings.honeypot;
    },
    get connected() {
      return !!abort;
    },

    connect(options, root, accepts = () => true, changed = ALL) {
      self.disconnect();
      abort = new AbortController();
      // Through the prototype: a form named "querySelectorAll" shadows the document's.
      const { querySelectorAll } =
        root.nodeType === Node.DOCUMENT_NODE ? Document.prototype : Element.prototype;
      forms = () => [...(querySelectorAll.call(root, 'form') as NodeListOf<HTMLFormElement>)].filter(accepts);
      listeners = protectForms(root, accepts, self, abort.signal);
      hadHoneypot = false;
      // Forms the parser has yet to reach get their honeypot once it has; forms added by script
      // later get it at their first use.
      if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', writeAll, { once: true, signal: abort.signal });
      }
      self.configure(options, changed);
      if (!self.startToken) renewStartToken();
      listenToPage();
      live.add(self);
    },

    disconnect() {
      abort?.abort();
      live.delete(self);
      abort = self.pending = listeners = undefined;
      for (const form of forms()) removeOwnFields(form);
      forms = () => [];
    },

    configure(options, changed = ALL) {
      // A bad value is reported once, when it is set: not again when another option changes.
      const invalid = (option: keyof ProtectionOptions, name: string, value: unknown) =>
        changed.has(option) &&
        changed.get(option) !== value &&
        reportError(target, 'CT_INVALID_OPTION', `ct-protected-form: ignored invalid ${name}="${value}"`);
      const httpUrl = (option: keyof ProtectionOptions, name: string, value: string | null | undefined) => {
        if (value == null) return null;
        try {
          // A blank URL would resolve to the page itself.
          const url = new URL(value, document.baseURI);
          if (value.trim() && /^https?:$/.test(url.protocol)) return url.href;
        } catch {
          // Reported below.
        }
        return invalid(option, name, value) || null;
      };
      const { consent, detectorSrc, startTokenUrl, behaviour } = options;
      const startToken = options.startToken ?? '';
      if (behaviour != null && behaviour !== 'fallback' && behaviour !== 'always' && behaviour !== 'off') {
        invalid('behaviour', 'behaviour', behaviour);
      }
      if (consent != null && consent !== 'granted' && consent !== 'pending')
        invalid('consent', 'consent', consent);
      if (consent == null || consent === 'granted' || hasPageConsent()) consented = true;
      if (startToken !== settings.startToken) self.startToken = startToken;
      const src = httpUrl('detectorSrc', 'detector-src', detectorSrc ?? DEFAULT_DETECTOR_SRC);
      settings = {
        src: options.noDetector ? null : src,
        nonce: options.nonce,
        integrity: options.integrity,
        honeypot: options.honeypot,
        startToken,
        startTokenUrl: httpUrl('startTokenUrl', 'start-token-url', startTokenUrl),
        behaviour,
      };
      activate();
      writeAll();
    },

    getFields(form) {
      const startedAt = String(self.startedAt);
      const token = consented ? readEventToken() : '';
      timeZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone;
      return {
        [FIELDS.eventToken]: token,
        [FIELDS.startedAt]: startedAt,
        [FIELDS.submittedAt]: String(Date.now()),
        [FIELDS.startToken]: self.startToken,
        [FIELDS.timeZone]: timeZone,
        [FIELDS.tzOffset]: String(-new Date().getTimezoneOffset()),
        [FIELDS.pageUrl]: location.href,
        [FIELDS.referrer]: document.referrer,
        [FIELDS.behaviour]:
          collects() && (!token || settings.behaviour === 'always') ? readBehaviour(form) : '',
        [FIELDS.lang]: document.documentElement.lang,
      };
    },

    appendTo(body) {
      for (const [name, value] of Object.entries(self.getFields())) {
        if (body instanceof FormData || body instanceof URLSearchParams) body.set(name, value);
        else (body as Record<string, unknown>)[name] = value;
      }
      return body;
    },

    reset() {
      self.startedAt = Date.now();
      renewStartToken();
      writeAll();
    },

    grantConsent() {
      consented = true;
      activate();
      writeAll();
    },
  };
  return self;
}
