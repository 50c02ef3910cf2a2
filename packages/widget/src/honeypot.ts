import { FIELDS } from '@ct-protected-form/fields';
import { addField, fieldsNamed, isOwnField } from './hidden-fields.js';

/** Attributes that keep people (no tab stop, hidden from assistive tech) and password managers out. */
const KEEP_OUT = ['aria-hidden', 'data-1p-ignore', 'data-lpignore', 'data-bwignore'];

/**
 * Adds the honeypot input `ct_hp` to the form (once), or removes ours when `enabled` is false.
 * It is moved off-screen on the input itself, taking no space: no layout change, and still there
 * for a bot that fills every field, unlike `display: none`.
 */
export function setHoneypot(form: HTMLFormElement, enabled: boolean): void {
  const existing = fieldsNamed(form, FIELDS.honeypot);
  if (!enabled) {
    for (const input of existing) if (isOwnField(input)) input.remove();
  } else if (!existing[0]) {
    const input = addField(form, FIELDS.honeypot, 'text');
    input.autocomplete = 'off';
    input.tabIndex = -1;
    for (const name of KEEP_OUT) input.setAttribute(name, 'true');
    input.style.cssText = 'position:absolute;inset-inline-start:-9999px;width:1px;height:1px';
  }
}
