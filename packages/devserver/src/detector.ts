import { DETECTOR_STORAGE_KEY, EVENT_TOKEN_LENGTH, FIELDS } from '@ct-protected-form/fields';

/** Version in the stand-in's injected script name, `/ct-bot-detector-<version>.min.js`. */
export const STAND_IN_DETECTOR_VERSION = '1.0.0';

/** Path of the stand-in wrapper script, like CleanTalk's `ct-bot-detector-wrapper.js`. */
export const DETECTOR_WRAPPER_PATH = '/ct-bot-detector-wrapper.js';

/** Path of the versioned script the wrapper injects. */
export const DETECTOR_SCRIPT_PATH = `/ct-bot-detector-${STAND_IN_DETECTOR_VERSION}.min.js`;

/** Path where the stand-in obtains its event tokens (POST, CORS-open). */
export const EVENT_TOKEN_PATH = '/__devserver/event-token';

/** Options of {@link standInDetectorSource}. */
export interface StandInDetectorOptions {
  /**
   * Milliseconds to wait, after the document is parsed, before the token is added to the forms.
   * @default 0
   */
  delayMs?: number;
  /**
   * Absolute URL to POST to for a token (a devserver's `/__devserver/event-token`); the answer is
   * `{"event_token": "<64 hex>"}`. Without it, or when that request fails, the script makes a random
   * token in the page, which a devserver will not recognise as valid.
   * @default undefined
   */
  tokenUrl?: string;
  /**
   * Lifetime written into the storage entry's `expires` (milliseconds since the epoch).
   * @default 86400000 (24 hours)
   */
  tokenTtlMs?: number;
}

/** Options of {@link standInWrapperSource}. */
export interface StandInWrapperOptions {
  /**
   * Absolute URL of the wrapper itself, used to find the versioned script when the browser does
   * not report `document.currentScript`.
   */
  wrapperUrl: string;
}

function delay(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
}

/**
 * The JavaScript of a stand-in for CleanTalk's bot detector, as one self-contained classic script.
 * It behaves like the real one in the ways a form integration can observe: once the document is
 * parsed and `delayMs` has passed, it obtains a 64-character token, adds
 * `<input type="hidden" name="ct_bot_detector_event_token">` to every `<form>` of the document that
 * exists at that moment (not to forms inside shadow roots, not to forms added later), and writes
 * `localStorage["bot_detector_event_token"] = {"value": token, "expires": <ms epoch>}`.
 *
 * @example
 * // a @web/test-runner middleware
 * if (ctx.path === '/detector.js') { ctx.type = 'js'; ctx.body = standInDetectorSource({ delayMs: 50 }); }
 */
export function standInDetectorSource(options: StandInDetectorOptions = {}): string {
  const tokenUrl = typeof options.tokenUrl === 'string' && options.tokenUrl !== '' ? options.tokenUrl : null;
  const ttl = delay(options.tokenTtlMs ?? 86_400_000);
  return `/* ct-protected-form devserver: stand-in for CleanTalk's bot detector (tests and offline development only) */
(function () {
  'use strict';
  var FIELD = ${JSON.stringify(FIELDS.eventToken)};
  var STORAGE_KEY = ${JSON.stringify(DETECTOR_STORAGE_KEY)};
  var LENGTH = ${EVENT_TOKEN_LENGTH};
  var DELAY = ${delay(options.delayMs)};
  var TOKEN_URL = ${JSON.stringify(tokenUrl)};
  var TTL = ${ttl};
  var doc = document;
  function localToken() {
    var bytes = new Uint8Array(LENGTH / 2);
    var i;
    if (typeof crypto !== 'undefined' && crypto.getRandomValues) crypto.getRandomValues(bytes);
    else for (i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
    var out = '';
    for (i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
    return out;
  }
  function obtainToken() {
    if (!TOKEN_URL || typeof fetch !== 'function') return Promise.resolve(localToken());
    return fetch(TOKEN_URL, { method: 'POST', mode: 'cors', credentials: 'omit', cache: 'no-store' })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        var token = answer && answer.event_token;
        return typeof token === 'string' && token.length === LENGTH ? token : localToken();
      }, localToken);
  }
  function apply(token) {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify({ value: token, expires: Date.now() + TTL }));
    } catch (e) {}
    var forms = doc.querySelectorAll('form');
    for (var i = 0; i < forms.length; i++) {
      var form = forms[i];
      // Called through the prototypes: a field named "querySelector" or "appendChild" shadows the form's own.
      var input = Element.prototype.querySelector.call(form, 'input[name="' + FIELD + '"]');
      if (!input) {
        input = doc.createElement('input');
        input.type = 'hidden';
        input.name = FIELD;
        Node.prototype.appendChild.call(form, input);
      }
      input.value = token;
    }
  }
  function start() {
    setTimeout(function () { obtainToken().then(apply); }, DELAY);
  }
  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', start);
  else start();
})();
`;
}

/**
 * The JavaScript of the stand-in wrapper: like CleanTalk's `ct-bot-detector-wrapper.js`, it only
 * injects the versioned detector script next to itself, passing its own `?delay=` query on.
 */
export function standInWrapperSource(options: StandInWrapperOptions): string {
  return `/* ct-protected-form devserver: stand-in for CleanTalk's ct-bot-detector-wrapper.js (tests and offline development only) */
(function () {
  'use strict';
  var current = document.currentScript;
  var base = (current && current.src) || ${JSON.stringify(options.wrapperUrl)};
  var url = new URL(${JSON.stringify(DETECTOR_SCRIPT_PATH)}, base);
  var delay = new URL(base).searchParams.get('delay');
  if (delay !== null) url.searchParams.set('delay', delay);
  var script = document.createElement('script');
  script.src = url.href;
  script.async = true;
  (document.head || document.documentElement).appendChild(script);
})();
`;
}
