// Each field name is also a constant of its own, documented in FIELDS below: a bundler can inline
// a constant where it must keep an object whole, every property name included.
/** {@link FIELDS.eventToken}, as a constant. */
export const EVENT_TOKEN_FIELD = 'ct_bot_detector_event_token';
/** {@link FIELDS.startedAt}, as a constant. */
export const STARTED_AT_FIELD = 'ct_started_at';
/** {@link FIELDS.submittedAt}, as a constant. */
export const SUBMITTED_AT_FIELD = 'ct_submitted_at';
/** {@link FIELDS.startToken}, as a constant. */
export const START_TOKEN_FIELD = 'ct_start_token';
/** {@link FIELDS.timeZone}, as a constant. */
export const TIME_ZONE_FIELD = 'ct_tz';
/** {@link FIELDS.tzOffset}, as a constant. */
export const TZ_OFFSET_FIELD = 'ct_tz_offset';
/** {@link FIELDS.pageUrl}, as a constant. */
export const PAGE_URL_FIELD = 'ct_page_url';
/** {@link FIELDS.referrer}, as a constant. */
export const REFERRER_FIELD = 'ct_referrer';
/** {@link FIELDS.honeypot}, as a constant. */
export const HONEYPOT_FIELD = 'ct_hp';
/** {@link FIELDS.behaviour}, as a constant. */
export const BEHAVIOUR_FIELD = 'ct_behaviour';
/** {@link FIELDS.lang}, as a constant. */
export const LANG_FIELD = 'ct_lang';

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
  eventToken: EVENT_TOKEN_FIELD,
  /** Page start time on the visitor's clock, milliseconds since the epoch. → `submit_time`. */
  startedAt: STARTED_AT_FIELD,
  /**
   * Submit time on the same visitor clock, written when the form is submitted. With `startedAt` it
   * gives the time spent on the page even when the visitor's clock is off. → `submit_time`.
   */
  submittedAt: SUBMITTED_AT_FIELD,
  /**
   * A server-signed start token, used instead of the client clock when the server offers one; a
   * valid one is the verifier's evidence that JavaScript ran. → `submit_time`, `js_on`.
   */
  startToken: START_TOKEN_FIELD,
  /** The visitor's IANA time zone, e.g. `Europe/Berlin`. */
  timeZone: TIME_ZONE_FIELD,
  /** The visitor's offset from UTC in minutes, east positive (`-new Date().getTimezoneOffset()`). → `tz`. */
  tzOffset: TZ_OFFSET_FIELD,
  /**
   * `location.href` of the page that showed the form. → `sender_info.page_url`,
   * `post_info.post_url`, and `sender_info.REFERRER` when the submission has no `Referer` header.
   */
  pageUrl: PAGE_URL_FIELD,
  /**
   * `document.referrer` of that page: where the visitor was before the form page, empty when the
   * page was opened directly. → `sender_info.REFFERRER_PREVIOUS`, as CleanTalk's WordPress plugin
   * sends it. (`sender_info.REFERRER` is the submission's own `Referer` header: the form page.)
   */
  referrer: REFERRER_FIELD,
  /** Optional honeypot: stays empty for people, bots fill it. */
  honeypot: HONEYPOT_FIELD,
  /**
   * The browser's fallback signals, one compact JSON object ({@link BehaviourData}), written when the
   * form carries no event token (or always, where the site opts in) and only with consent.
   * → `sender_info.page_set_timestamp`, `mouse_cursor_positions`, `has_scrolled`… as CleanTalk's
   * WordPress plugin sends them, and `js_timezone` from {@link FIELDS.tzOffset}.
   */
  behaviour: BEHAVIOUR_FIELD,
  /** The page's `lang` attribute, e.g. `en-US`. → `sender_info.cms_lang` (`en`). */
  lang: LANG_FIELD,
} as const;

export type FieldKey = keyof typeof FIELDS;
export type FieldName = (typeof FIELDS)[FieldKey];

/** Every field name of the contract, e.g. to strip them from a body before the app sees it. */
export const FIELD_NAMES: readonly FieldName[] = /* @__PURE__ */ Object.values(FIELDS);

/** True when `name` is one of the contract's hidden fields. */
export function isContractField(name: string): name is FieldName {
  return (FIELD_NAMES as readonly string[]).includes(name);
}

/**
 * The value of the {@link FIELDS.behaviour} field, as JSON. Short keys keep the widget small; the
 * verifier validates and caps each one and drops what does not fit.
 */
export interface BehaviourData {
  /** Page set-up time, unix seconds on the visitor's clock. → `page_set_timestamp`. */
  p: number;
  /** First key or mouse-button press, unix seconds; 0 when none. → `key_press_timestamp`. */
  k: number;
  /**
   * Pointer track: at most {@link BEHAVIOUR_MAX_POINTS} points `[clientY, clientX, ms since the
   * script ran]`, Y first, at least {@link BEHAVIOUR_SAMPLE_MS} apart, unrounded (the verifier
   * rounds). → `mouse_cursor_positions`.
   */
  m: [number, number, number][];
  /** Flags, a bit mask: 1 mouse moved, 2 page scrolled, 4 key released in a form field, 8 form field focused. */
  f: number;
  /** `navigator.webdriver`, 1 or 0. → `emulations_headless_mode`. */
  w: number;
  /** `[fullWidth, fullHeight, visibleWidth, visibleHeight]`, CSS px. → `screen_info`. */
  s: [number, number, number, number];
  /**
   * Names of the submitted form's fields a person could see; empty when no form was given.
   * → `apbct_visible_fields`, `form_visible_inputs`.
   */
  v: string[];
  /** Names of its fields nobody could see (hidden, `display:none`…). → `apbct_invisible_fields`, `form_invisible_inputs`. */
  i: string[];
}

/** Most points of a pointer track, as CleanTalk's WordPress plugin keeps. */
export const BEHAVIOUR_MAX_POINTS = 50;

/** Least time between two pointer-track points, ms. */
export const BEHAVIOUR_SAMPLE_MS = 150;

/** Length of a bot-detector event token. */
export const EVENT_TOKEN_LENGTH = 64;

/**
 * A well-formed event token: {@link EVENT_TOKEN_LENGTH} URL-safe characters. The widget copies
 * only such a token into a form and the verifier sends only such a token on: anyone can type one,
 * so CleanTalk is the judge of whether it is real.
 */
export const EVENT_TOKEN_PATTERN: RegExp = /^[A-Za-z0-9_-]{64}$/;

/** True when `value` is a well-formed event token ({@link EVENT_TOKEN_PATTERN}). */
export function isEventToken(value: unknown): value is string {
  return typeof value === 'string' && EVENT_TOKEN_PATTERN.test(value);
}

/**
 * Why a start token ({@link FIELDS.startToken}) was refused: `malformed`, `tampered` (bad signature),
 * `expired`, `early` (sent back sooner than the server's minimum age), `replayed`, `foreign`
 * (issued for another session), `unavailable` (the replay store did not answer).
 */
export const START_TOKEN_PROBLEMS = [
  'malformed',
  'tampered',
  'expired',
  'early',
  'replayed',
  'foreign',
  'unavailable',
] as const;
export type StartTokenProblem = (typeof START_TOKEN_PROBLEMS)[number];

/**
 * Why the time a visitor spent on the page is not trusted: a {@link StartTokenProblem}, `missing`
 * (no start token, or no start time, was sent), or a client start time in the `future`.
 */
export const START_TIME_PROBLEMS = ['missing', ...START_TOKEN_PROBLEMS, 'future'] as const;
export type StartTimeProblem = (typeof START_TIME_PROBLEMS)[number];

/**
 * The start-token route's wire format: `GET` answers `200` with JSON {@link StartTokenAnswer},
 * uncached, and sets the session cookie the token is bound to. The token is opaque to the widget.
 */
export interface StartTokenAnswer {
  token: string;
}

/** Where the verifier's adapters serve start tokens unless told otherwise. */
export const DEFAULT_START_TOKEN_PATH = '/ct-protected-form/start-token';

/**
 * A well-formed start token: 100 base64url characters (75 bytes: version, issue time, nonce,
 * session binding, HMAC-SHA-256), one spelling per token.
 */
export const START_TOKEN_PATTERN: RegExp = /^[A-Za-z0-9_-]{100}$/;

/** The token of a start-token route's answer, or `undefined` when the answer is not one. */
export function readStartTokenAnswer(body: unknown): string | undefined {
  const token = (body as Partial<StartTokenAnswer> | null)?.token;
  return typeof token === 'string' && token !== '' ? token : undefined;
}

/** CleanTalk's bot-detector wrapper script. */
export const DEFAULT_DETECTOR_SRC = 'https://fd.cleantalk.org/ct-bot-detector-wrapper.js';

/** The `id` CleanTalk's snippet and CMS plugins give the detector's script tag. */
export const DETECTOR_SCRIPT_ID = 'ct_bot_detector-js';

/** `localStorage` key where the detector keeps `{"value": "<token>", …}`. */
export const DETECTOR_STORAGE_KEY = 'bot_detector_event_token';
