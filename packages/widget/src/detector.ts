import { DEFAULT_DETECTOR_SRC, DETECTOR_SCRIPT_ID } from '@ct-protected-form/fields';
import { createElement, documentMember, querySelector } from './dom.js';

/** Attributes for the detector's `<script>` tag. */
export interface DetectorScriptOptions {
  /** CSP nonce. @default undefined */
  nonce?: string | null | undefined;
  /** Subresource Integrity hash; the tag then also gets `crossorigin="anonymous"`. @default undefined */
  integrity?: string | null | undefined;
}

const loads = new Map<string, Promise<unknown>>();

/**
 * The Trusted Types policy the detector's URL goes through: a page that enforces Trusted Types
 * (`require-trusted-types-for 'script'`) lets the detector load by allowing it,
 * `trusted-types ct-protected-form`.
 */
export const TRUSTED_TYPES_POLICY = 'ct-protected-form';

/** The part of the Trusted Types API used here (not in every TypeScript DOM library yet). */
interface ScriptUrlPolicy {
  createScriptURL(url: string): unknown;
}
/** Our policy; `null` where the browser has no Trusted Types or the page does not allow it. */
let policy: ScriptUrlPolicy | null | undefined;

/** `src` as a script takes it: through our policy where there is one, else as it is. */
function scriptUrl(src: string): string {
  if (policy === undefined) {
    policy = null;
    try {
      const { trustedTypes } = globalThis as {
        trustedTypes?: { createPolicy(name: string, rules: ScriptUrlPolicy): ScriptUrlPolicy };
      };
      // Only URLs this module loads reach it: the policy object never leaves the module.
      policy = trustedTypes?.createPolicy(TRUSTED_TYPES_POLICY, { createScriptURL: (url) => url }) ?? null;
    } catch {
      // Not allowed by the page's CSP: the plain URL is used, and refused where Trusted Types are enforced.
    }
  }
  return (policy ? policy.createScriptURL(src) : src) as string;
}

/**
 * Loads CleanTalk's bot detector once per page. A tag a CMS plugin already put on the page (found
 * by its id, or by a src naming `ct-bot-detector-wrapper`) is reused; otherwise an async `<script>`
 * is appended to `<head>`. Cached per URL; rejects when the script fails to load or may not load
 * (Trusted Types enforced without our policy allowed), and then removes the tag so that a later
 * call may try again. Never throws.
 */
export function loadDetector(
  src: string = DEFAULT_DETECTOR_SRC,
  { nonce, integrity }: DetectorScriptOptions = {},
): Promise<unknown> {
  let load = loads.get(src);
  if (load) return load;
  if (querySelector(`#${DETECTOR_SCRIPT_ID},script[src*="ct-bot-detector-wrapper"]`)) {
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
  const failed = (why = '') => {
    script.remove();
    loads.delete(src);
    return new Error(`Could not load the bot detector from ${src}${why}`);
  };
  load = new Promise((resolve, reject) => {
    script.onload = resolve;
    script.onerror = () => reject(failed());
  });
  // Cached before the tag goes in, so that even an error reported at once clears the cache.
  loads.set(src, load);
  try {
    script.src = scriptUrl(src);
  } catch {
    // Trusted Types enforced, and our policy not allowed.
    return Promise.reject(failed(` (Trusted Types: allow ${TRUSTED_TYPES_POLICY})`));
  }
  // An XHTML document may have no <head>; the root element takes the script as well.
  (documentMember('head') ?? documentMember('documentElement')).append(script);
  return load;
}
