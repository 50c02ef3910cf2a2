import { EVENT_TOKEN_FIELD, HONEYPOT_FIELD } from '@ct-protected-form/fields';
import { createElement } from './dom.js';
import { asHoneypot } from './honeypot.js';

/** Inputs this package added, so that it only ever removes its own, never the author's or the detector's. */
const own = new WeakSet<Element>();

/** Whether `element` is an input this package added. */
export const isOwnField = (element: Element): boolean => own.has(element);

/**
 * The form's controls. Read through the prototype: in browsers a control named (or with the id)
 * `elements` shadows `form.elements`, as any control shadows the form member it is named after.
 */
export const controlsOf = (form: HTMLFormElement): HTMLFormControlsCollection =>
  Reflect.get(HTMLFormElement.prototype, 'elements', form);

/** A new hidden input of ours. */
function createField(name: string): HTMLInputElement {
  const input = createElement('input');
  input.type = 'hidden';
  input.name = name;
  own.add(input);
  return input;
}

/**
 * Writes `fields` into the form, in one pass over its controls (those tied to it by `form="…"`
 * included): an existing field of that name is reused, a missing one appended as a hidden input.
 * Leaves exactly one event-token input, the detector's own when it added one, and never clears a
 * value the detector wrote with an empty token. Adds the honeypot, or removes ours.
 */
export function writeFields(form: HTMLFormElement, fields: Record<string, string>, honeypot: boolean): void {
  const found = new Map<string, HTMLInputElement[]>();
  for (const element of controlsOf(form)) {
    const { name, type } = element as HTMLInputElement;
    // A file input takes no value from script (setting one throws): ours goes beside it.
    if (name === HONEYPOT_FIELD || (fields[name] != null && type !== 'file')) {
      found.set(name, [...(found.get(name) ?? []), element as HTMLInputElement]);
    }
  }
  const added = Document.prototype.createDocumentFragment.call(document);
  for (const name in fields) {
    const value = fields[name] as string;
    const [input = added.appendChild(createField(name)), ...extra] = (found.get(name) ?? []).sort(
      (a, b) => +own.has(a) - +own.has(b),
    );
    if (name === EVENT_TOKEN_FIELD) for (const duplicate of extra) duplicate.remove();
    if (value || own.has(input) || name !== EVENT_TOKEN_FIELD) input.value = value;
  }
  const traps = found.get(HONEYPOT_FIELD) ?? [];
  if (!honeypot) for (const trap of traps) if (own.has(trap)) trap.remove();
  if (honeypot && !traps[0]) added.append(asHoneypot(createField(HONEYPOT_FIELD)));
  Element.prototype.append.call(form, added);
}

/** Removes every input this package added to the form. */
export function removeOwnFields(form: HTMLFormElement): void {
  for (const element of [...controlsOf(form)]) if (own.has(element)) element.remove();
}
