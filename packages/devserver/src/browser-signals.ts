/**
 * The `sender_info` keys of CleanTalk's WordPress plugin that describe the visitor's browser when its
 * bot detector is missing (the "fallback set"). A check with an event token carries none of them.
 */
export const FALLBACK_KEYS = [
  'page_set_timestamp',
  'key_press_timestamp',
  'mouse_cursor_positions',
  'mouse_moved',
  'has_scrolled',
  'has_key_up',
  'has_input_focused',
  'emulations_headless_mode',
  'js_timezone',
  'screen_info',
  'form_visible_inputs',
  'form_invisible_inputs',
  'apbct_visible_fields',
  'apbct_invisible_fields',
] as const;

/** `sender_info` of a check body, parsed; an empty object when it is missing or not JSON of an object. */
export function senderInfoOf(body: unknown): Record<string, unknown> {
  const text = body && typeof body === 'object' ? (body as Record<string, unknown>).sender_info : undefined;
  try {
    const info: unknown = typeof text === 'string' ? JSON.parse(text) : undefined;
    return info && typeof info === 'object' && !Array.isArray(info) ? (info as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * What a check says about the browser, for the request log: whether it carries an event token, how
 * many keys of the fallback set came, and whether the browser reported itself automated. E.g.
 * `no token, fallback 14/14, webdriver`.
 */
export function describeBrowserSignals(body: unknown): string {
  const token = body && typeof body === 'object' && (body as Record<string, unknown>).event_token;
  const info = senderInfoOf(body);
  const fallback = FALLBACK_KEYS.filter((key) => Object.hasOwn(info, key)).length;
  const parts = [token ? 'token' : 'no token'];
  if (fallback) parts.push(`fallback ${fallback}/${FALLBACK_KEYS.length}`);
  if (info.emulations_headless_mode === 'true') parts.push('webdriver');
  return parts.join(', ');
}
