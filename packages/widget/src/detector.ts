import { DEFAULT_DETECTOR_SRC, DETECTOR_SCRIPT_ID } from '@ct-protected-form/fields';
import { createElement, documentMember } from './dom.js';

/** Attributes for the detector's `<script>` tag. */
export interface DetectorScriptOptions {
  /** CSP nonce. @default undefined */
  nonce?: string | null | undefined;
  /** Subresource Integrity hash; the tag then also gets `crossorigin="anonymous"`. @default undefined */
  integrity?: string | null | undefined;
}

const loads = new Map<string, Promise<unknown>>();

/**
 * Loads CleanTalk's bot detector once per page. A tag a CMS plugin already put on the page (found
 * by its id, or by a src naming `ct-bot-detector-wrapper`) is reused; otherwise an async `<script>`
 * is appended to `<head>`. Cached per URL; rejects when the script fails to load, and then removes
 * the tag so that a later call may try again.
 */
export function loadDetector(
  src: string = DEFAULT_DETECTOR_SRC,
  { nonce, integrity }: DetectorScriptOptions = {},
): Promise<unknown> {
  let load = loads.get(src);
  if (load) return load;
  if (
    Document.prototype.querySelector.call(
      document,
      `#${DETECTOR_SCRIPT_ID},script[src*="ct-bot-detector-wrapper"]`,
    )
  ) {
    load = Promise.resolve();
    loads.set(src, load);
    return load;
  }
  const script = createElement('script');
  script.id = DETECTOR_SCRIPT_ID;
  script.async = true;
  if (nonce) script.nonce = nonce;
  if (integrity) {
    script.integrity = integrity;
    script.crossOrigin = 'anonymous';
  }
  load = new Promise((resolve, reject) => {
    script.onload = resolve;
    script.onerror = () => {
      script.remove();
      loads.delete(src);
      reject(new Error(`Could not load the bot detector from ${src}`));
    };
  });
  // Cached before the tag goes in, so that even an error reported at once clears the cache.
  loads.set(src, load);
  script.src = src;
  documentMember('head').append(script);
  return load;
}
