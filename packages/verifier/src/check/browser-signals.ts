import { BEHAVIOUR_MAX_POINTS, FIELD_NAMES, FIELDS } from '@ct-protected-form/fields';
import { type FormInput, LIMITS, readFormField, type Submission, toSingleText } from './submission.js';

/**
 * The browser signals CleanTalk's WordPress plugin puts in `sender_info`, read from the widget's
 * `ct_behaviour` and `ct_lang` fields and from the submission itself. Every value is validated and
 * capped per key: what does not fit is dropped, never passed on. The formats are the plugin's in its
 * default storage mode (browser values kept in `localStorage`): timestamps as numbers, flags as the
 * strings `"true"` / `"false"`, the pointer track and the screen size as JSON text.
 */

/** Longest `ct_behaviour` value read; a longer one is cut, fails to parse and is dropped whole. */
export const MAX_BEHAVIOUR_LENGTH = 20_000;
/** Most field names kept per list (visible, invisible). */
export const MAX_FIELD_NAMES = 200;
/** Longest field name kept. */
export const MAX_FIELD_NAME_LENGTH = 128;
/** Longest space-separated name list sent. */
export const MAX_FIELD_LIST_LENGTH = 4_000;

/** Unix seconds from 2020 to 2200: a browser clock can be wrong, not that wrong. */
const MIN_SECONDS = 1_577_836_800;
const MAX_SECONDS = 7_258_118_400;
/** Pointer coordinates in CSS px (negative outside the viewport) and track times (30 days in ms). */
const MAX_COORDINATE = 100_000;
const MAX_TRACK_MS = 30 * 86_400_000;
/** Page and viewport sizes in CSS px. */
const MAX_SIZE = 1_000_000;
const MAX_TZ_MINUTES = 14 * 60;
/** A field name: printable, no spaces (the plugin's lists are space-separated). */
const FIELD_NAME = new RegExp(`^[^\\s\\p{Cc}\\p{Cs}]{1,${MAX_FIELD_NAME_LENGTH}}$`, 'u');
const LANG = /^([a-z]{2})[a-z]?(?:[-_][a-z0-9]{1,8})*$/i;

const inRange = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;

const seconds = (value: unknown): number | undefined =>
  Number.isInteger(value) && inRange(value, MIN_SECONDS, MAX_SECONDS) ? value : undefined;

const flag = (value: boolean): string => String(value);

/** The pointer track as the plugin's JSON text, rounded, at most 50 points; `"0"` when empty. */
function track(value: unknown): string | undefined {
  if (!Array.isArray(value)) return undefined;
  const points: number[][] = [];
  for (const point of value.slice(0, BEHAVIOUR_MAX_POINTS)) {
    if (!Array.isArray(point) || point.length !== 3) continue;
    const [y, x, ms] = point;
    if (inRange(y, -MAX_COORDINATE, MAX_COORDINATE) && inRange(x, -MAX_COORDINATE, MAX_COORDINATE)) {
      if (inRange(ms, 0, MAX_TRACK_MS)) points.push([Math.round(y), Math.round(x), Math.round(ms)]);
    }
  }
  return points.length ? JSON.stringify(points) : '0';
}

/** `screen_info`'s JSON text from `[fullWidth, fullHeight, visibleWidth, visibleHeight]`. */
function screenInfo(value: unknown): string | undefined {
  if (!Array.isArray(value) || value.length !== 4 || !value.every((size) => inRange(size, 0, MAX_SIZE))) {
    return undefined;
  }
  const [fullWidth, fullHeight, visibleWidth, visibleHeight] = value.map(Math.round);
  return JSON.stringify({ fullWidth, fullHeight, visibleWidth, visibleHeight });
}

/** The valid names of a list, capped in number and joined length. */
function fieldNames(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const names: string[] = [];
  let length = 0;
  for (const name of value.slice(0, MAX_FIELD_NAMES)) {
    if (typeof name !== 'string' || !FIELD_NAME.test(name)) continue;
    length += name.length + 1;
    if (length > MAX_FIELD_LIST_LENGTH + 1) break;
    names.push(name);
  }
  return names;
}

/** The `ct_behaviour` field parsed as an object, or undefined when absent or not JSON of an object. */
function parseBehaviour(form: FormInput | undefined): Record<string, unknown> | undefined {
  const text = toSingleText(readFormField(form, FIELDS.behaviour), MAX_BEHAVIOUR_LENGTH);
  if (!text) return undefined;
  try {
    const data: unknown = JSON.parse(text);
    return data && typeof data === 'object' && !Array.isArray(data)
      ? (data as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The fallback set's `sender_info` keys, from `ct_behaviour` (and `js_timezone` from `ct_tz_offset`),
 * with the plugin's names and formats. Empty when the widget sent no fallback set (it had an event
 * token, no consent, or `behaviour="off"`). A key whose value does not validate is left out.
 */
export function behaviourSenderInfo(form: FormInput | undefined): Record<string, unknown> {
  const data = parseBehaviour(form);
  const info: Record<string, unknown> = {};
  if (!data) return info;
  const own = (key: string): unknown => (Object.hasOwn(data, key) ? data[key] : undefined);

  const setUp = seconds(own('p'));
  if (setUp !== undefined) info.page_set_timestamp = setUp;
  const pressed = own('k');
  // "Never pressed" is 0, which the plugin sends as null; a press before the page was set up is not one.
  if (pressed === 0) info.key_press_timestamp = null;
  else if (seconds(pressed) !== undefined && (setUp === undefined || (pressed as number) >= setUp)) {
    info.key_press_timestamp = pressed;
  }
  const positions = track(own('m'));
  if (positions !== undefined) info.mouse_cursor_positions = positions;
  const flags = own('f');
  if (Number.isInteger(flags) && inRange(flags, 0, 15)) {
    const bits = flags as number;
    info.mouse_moved = flag((bits & 1) !== 0);
    info.has_scrolled = flag((bits & 2) !== 0);
    info.has_key_up = flag((bits & 4) !== 0);
    info.has_input_focused = flag((bits & 8) !== 0);
  }
  const webdriver = own('w');
  if (webdriver === 0 || webdriver === 1) info.emulations_headless_mode = flag(webdriver === 1);
  const offset = Number(toSingleText(readFormField(form, FIELDS.tzOffset), 8) || Number.NaN);
  // Hours east of UTC, fractional where the zone is (every zone today is a multiple of 15 minutes);
  // UTC is null, as the plugin sends it.
  if (Number.isInteger(offset) && offset % 15 === 0 && inRange(offset, -MAX_TZ_MINUTES, MAX_TZ_MINUTES)) {
    info.js_timezone = offset === 0 ? null : offset / 60;
  }
  const screen = screenInfo(own('s'));
  if (screen !== undefined) info.screen_info = screen;
  const visible = fieldNames(own('v'));
  const invisible = fieldNames(own('i'));
  if (visible && invisible) {
    info.form_visible_inputs = visible.length || null;
    info.apbct_visible_fields = visible.join(' ') || null;
    info.form_invisible_inputs = invisible.length || null;
    info.apbct_invisible_fields = invisible.join(' ') || null;
  }
  return info;
}

/** `cms_lang`: the first two letters of the page's `lang` attribute, lower case, as the plugin sends the site locale's. */
export function pageLanguage(form: FormInput | undefined): string | undefined {
  const lang = toSingleText(readFormField(form, FIELDS.lang), 64);
  return lang ? LANG.exec(lang)?.[1]?.toLowerCase() : undefined;
}

/**
 * `fields_number`: how many fields the form posted, counted as PHP counts `$_POST` (`a[]` and
 * `a[x]` are one field `a`), the contract's hidden fields left out. 0 for anything but a form.
 */
export function countFields(body: unknown): number {
  // Raw bytes are no form; listing a megabyte's indices as names would take a tenth of a second.
  if (!body || typeof body !== 'object' || Array.isArray(body) || ArrayBuffer.isView(body)) return 0;
  let names: Iterable<string>;
  if (body instanceof URLSearchParams || (typeof FormData !== 'undefined' && body instanceof FormData)) {
    names = body.keys();
  } else if (body instanceof Map) {
    names = [...body.keys()].filter((key): key is string => typeof key === 'string');
  } else {
    // An object's names are distinct already: without brackets, counting them is enough.
    const keys = Object.keys(body);
    let count = 0;
    for (const name of keys) {
      if (name.includes('[')) {
        count = -1;
        break;
      }
      if (!CONTRACT_FIELDS.has(name)) count++;
    }
    if (count >= 0) return Math.min(count, LIMITS.formFields);
    names = keys;
  }
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.size >= LIMITS.formFields) break;
    const bracket = name.indexOf('[');
    const base = bracket < 0 ? name : name.slice(0, bracket);
    if (!CONTRACT_FIELDS.has(name)) seen.add(base || name);
  }
  return seen.size;
}

const CONTRACT_FIELDS: ReadonlySet<string> = new Set(FIELD_NAMES);

/** Whether the form carried any sign of a page view before the POST: a start token or the widget's start time. */
export function hadPageView(form: FormInput | undefined, verifiedStartedAt: unknown): boolean {
  if (typeof verifiedStartedAt === 'number') return true;
  return [FIELDS.startToken, FIELDS.startedAt].some(
    (name) => !!toSingleText(readFormField(form, name), LIMITS.shortText),
  );
}

/** `honeypot_field`: 1 when the form had the trap and it came back empty, 0 when filled, undefined without one. */
export function honeypotField(form: FormInput | undefined): 0 | 1 | undefined {
  const trap = readFormField(form, FIELDS.honeypot);
  if (trap === undefined) return undefined;
  return toSingleText(trap, LIMITS.shortText) ? 0 : 1;
}

/**
 * Everything this module adds to `sender_info`: the fallback set, `cms_lang`, `fields_number` and
 * `direct_post` (1 when the POST carried no sign of a page view before it).
 */
export function browserSenderInfo(submission: Submission): Record<string, unknown> {
  const { form, fieldsNumber } = submission;
  const info = behaviourSenderInfo(form);
  const lang = pageLanguage(form);
  if (lang) info.cms_lang = lang;
  info.fields_number =
    Number.isInteger(fieldsNumber) && inRange(fieldsNumber, 0, LIMITS.formFields)
      ? fieldsNumber
      : countFields(form);
  info.direct_post = hadPageView(form, submission.verifiedStartedAt) ? 0 : 1;
  return info;
}
