/**
 * Options of a protection. `<ct-protected-form>` takes them as attributes (kebab-case: `detector-src`,
 * `no-detector`…), the script-tag build as `data-*` attributes of its `<script>` tag in auto mode.
 */
export interface ProtectionOptions {
  /**
   * URL of the bot detector: another host (`https://fd.cleantalk.ru/ct-bot-detector-wrapper-ru.js`),
   * a self-hosted copy or a local stand-in. Must be an http(s) URL; anything else loads nothing.
   * @default DEFAULT_DETECTOR_SRC (`https://fd.cleantalk.org/ct-bot-detector-wrapper.js`)
   */
  detectorSrc?: string | null | undefined;
  /**
   * Do not load the detector (a CMS plugin already does, or the site does without it). A token it
   * leaves on the page is still used.
   * @default false
   */
  noDetector?: boolean | undefined;
  /** CSP nonce for the detector's `<script>` tag. @default undefined */
  nonce?: string | undefined;
  /** Subresource Integrity hash of the detector's script (adds `crossorigin="anonymous"`). @default undefined */
  integrity?: string | null | undefined;
  /**
   * `"pending"`: load, read and store nothing third-party (no detector script, no localStorage
   * read) until consent is granted, by this option or page-wide with the `ct-consent-granted` event
   * on `document`; `"granted"`: go ahead. Any other value counts as `"pending"`.
   * @default "granted"
   */
  consent?: string | null | undefined;
  /**
   * The fallback signals (`ct_behaviour`: pointer track, first key press, scroll and focus flags,
   * `navigator.webdriver`, screen size, which fields were visible), recorded in memory once consent
   * is given: `"fallback"` sends them when the form carries no event token (ad blocker, detector
   * failed or skipped); `"always"` sends them with the token too; `"off"` records nothing. Any
   * other value warns and counts as `"fallback"`.
   * @default "fallback"
   */
  behaviour?: string | null | undefined;
  /** Add the honeypot field `ct_hp`. @default false */
  honeypot?: boolean | undefined;
  /** A server-signed start token rendered into the page. @default undefined */
  startToken?: string | null | undefined;
  /**
   * Where to GET a fresh start token (JSON `{"token": "…"}`): on connect, after a back/forward-cache
   * restore and after `reset()`.
   * @default undefined
   */
  startTokenUrl?: string | null | undefined;
}
