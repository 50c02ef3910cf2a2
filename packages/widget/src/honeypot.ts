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
  input.style.cssText = 'position:absolute;inset-inline-start:-9999px;width:1px;height:1px';
  return input;
}
