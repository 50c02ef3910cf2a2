/** Attributes that keep people (no tab stop, hidden from assistive tech) and password managers out. */
const KEEP_OUT = ['aria-hidden', 'data-1p-ignore', 'data-lpignore', 'data-bwignore'];

/**
 * Turns `input` into the honeypot: an empty text input that autofill and password managers skip,
 * moved off-screen on the input itself, taking no room. No layout change, and still there for a
 * bot that fills every field, unlike `display: none`.
 */
export function asHoneypot(input: HTMLInputElement): HTMLInputElement {
  input.type = 'text';
  input.autocomplete = 'off';
  input.tabIndex = -1;
  for (const name of KEEP_OUT) input.setAttribute(name, 'true');
  // Outside the viewport: a fixed box there neither shows nor scrolls. An absolute one beside the
  // form made the page scroll 10,000 pixels sideways where the form's direction differs from the
  // page's (an RTL form on an LTR page, or the reverse); one only above the form showed on a long
  // page under a positioned box. Both offsets keep it out of sight where a transformed box holds it.
  input.style.cssText = 'position:fixed;top:-9999px;inset-inline-start:-9999px;width:1px;height:1px';
  return input;
}
