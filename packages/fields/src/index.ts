/**
 * The hidden-field contract between `<ct-protected-form>` (which writes these fields into every
 * protected form) and `@ct-protected-form/verifier` (which reads them and turns them into a
 * CleanTalk request). Both packages import the names from here so they can never drift apart.
 *
 * Every value is a plain string, because it travels as an ordinary form field
 * (`application/x-www-form-urlencoded`, `multipart/form-data` or a JSON body).
 */
export const FIELDS = {
  /**
   * The bot detector's event token (64 characters). CleanTalk's own detector adds an input with
   * this exact name; the widget fills it for forms the detector never saw. → `event_token`.
   */
  eventToken: 'ct_bot_detector_event_token',
  /** Page start time on the visitor's clock, milliseconds since the epoch. → `submit_time`. */
  startedAt: 'ct_started_at',
  /**
   * Submit time on the same visitor clock, written when the form is submitted. With `startedAt` it
   * gives the time spent on the page even when the visitor's clock is off. → `submit_time`.
   */
  submittedAt: 'ct_submitted_at',
  /**
   * A server-signed start token, used instead of the client clock when the server offers one; a
   * valid one is the verifier's evidence that JavaScript ran. → `submit_time`, `js_on`.
   */
  startToken: 'ct_start_token',
  /**
   * {@link jsProof} of the start time. A checksum any client can compute from a number it picks,
   * so the verifier does not take it as evidence of anything.
   */
  jsProof: 'ct_js',
  /** The visitor's IANA time zone, e.g. `Europe/Berlin`. */
  timeZone: 'ct_tz',
  /** The visitor's offset from UTC in minutes, east positive (`-new Date().getTimezoneOffset()`). → `tz`. */
  tzOffset: 'ct_tz_offset',
  /** `location.href` of the page that showed the form. → `sender_info.page_url`. */
  pageUrl: 'ct_page_url',
  /** `document.referrer` of that page: where the visitor came from. → `sender_info.REFERRER`. */
  referrer: 'ct_referrer',
  /** Optional honeypot: stays empty for people, bots fill it. */
  honeypot: 'ct_hp',
} as const;

export type FieldKey = keyof typeof FIELDS;
export type FieldName = (typeof FIELDS)[FieldKey];

/** Every field name of the contract, e.g. to strip them from a body before the app sees it. */
export const FIELD_NAMES: readonly FieldName[] = Object.values(FIELDS);

/** True when `name` is one of the contract's hidden fields. */
export function isContractField(name: string): name is FieldName {
  return (FIELD_NAMES as readonly string[]).includes(name);
}

/** Length of a bot-detector event token. */
export const EVENT_TOKEN_LENGTH = 64;

/** CleanTalk's bot-detector wrapper script. */
export const DEFAULT_DETECTOR_SRC = 'https://fd.cleantalk.org/ct-bot-detector-wrapper.js';

/** The `id` CleanTalk's snippet and CMS plugins give the detector's script tag. */
export const DETECTOR_SCRIPT_ID = 'ct_bot_detector-js';

/** `localStorage` key where the detector keeps `{"value": "<token>", …}`. */
export const DETECTOR_STORAGE_KEY = 'bot_detector_event_token';

/**
 * A short checksum of a start time. A bot posting the bare HTML form has neither, but a bot written
 * for the site computes it as easily as this function does: it is no proof, and the verifier does
 * not read it. Evidence that JavaScript ran comes from a server-signed start token.
 */
export function jsProof(startedAt: string): string {
  // FNV-1a over a salted input: cheap, deterministic on both sides, no crypto needed.
  let hash = 0x811c9dc5;
  const input = `ct-protected-form:${startedAt}`;
  for (let i = 0; i < input.length; i++) {
    hash = Math.imul(hash ^ input.charCodeAt(i), 0x01000193);
  }
  return (hash >>> 0).toString(36);
}
