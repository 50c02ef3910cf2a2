import { FIELDS } from '@ct-protected-form/fields';

/** Inputs this package added, so that it only ever removes its own, never the author's or the detector's. */
const own = new WeakSet<Element>();

/** Whether `element` is an input this package added. */
export const isOwnField = (element: Element): boolean => own.has(element);

/** The form's controls named `name`, including those tied to it by a `form="…"` attribute. */
export const fieldsNamed = (form: HTMLFormElement, name: string): HTMLInputElement[] =>
  [...form.elements].filter((element) => (element as HTMLInputElement).name === name) as HTMLInputElement[];

/** Appends an input of ours (hidden unless `type` says otherwise) to the form. */
export function addField(form: HTMLFormElement, name: string, type = 'hidden'): HTMLInputElement {
  const input = document.createElement('input');
  input.type = type;
  input.name = name;
  own.add(input);
  return form.appendChild(input);
}

/** Sets the form's field `name` to `value`, adding a hidden input when the form has none. */
export function setHiddenField(form: HTMLFormElement, name: string, value: string): void {
  (fieldsNamed(form, name)[0] ?? addField(form, name)).value = value;
}

/**
 * Leaves exactly one event-token input in the form: the detector's own when it added one (ours is
 * then dropped), else ours. An empty `token` never clears a value the detector wrote.
 */
export function writeEventToken(form: HTMLFormElement, token: string): void {
  const [kept, ...extra] = fieldsNamed(form, FIELDS.eventToken).sort((a, b) => +own.has(a) - +own.has(b));
  for (const input of extra) input.remove();
  if (!kept) addField(form, FIELDS.eventToken).value = token;
  else if (token) kept.value = token;
}

/** Removes every input this package added to the form. */
export function removeOwnFields(form: HTMLFormElement): void {
  for (const element of [...form.elements]) if (own.has(element)) element.remove();
}
