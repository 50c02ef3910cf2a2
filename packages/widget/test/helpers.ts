import { EVENT_TOKEN_LENGTH } from '@ct-protected-form/fields';
import { afterEach, vi } from 'vitest';

/** A well-formed detector token made of one repeated character. */
export const token = (char = 'a'): string => char.repeat(EVENT_TOKEN_LENGTH);

/** Replaces the body with `html` and returns its first form. */
export function mount(html: string): HTMLFormElement {
  document.body.innerHTML = html;
  return document.querySelector('form') as HTMLFormElement;
}

/** Values of the form's controls named `name`, in document order. */
export function values(form: HTMLFormElement, name: string): string[] {
  return [...form.elements]
    .filter((element) => (element as HTMLInputElement).name === name)
    .map((element) => (element as HTMLInputElement).value);
}

/** The single value of the form's control `name`; fails when there is not exactly one. */
export function value(form: HTMLFormElement, name: string): string {
  const found = values(form, name);
  if (found.length !== 1) throw new Error(`expected one ${name}, found ${found.length}`);
  return found[0] as string;
}

/** The visitor starts using the form: focus moves into it. Protected forms get their fields then. */
export function use(form: HTMLFormElement): HTMLFormElement {
  form.dispatchEvent(new FocusEvent('focusin', { bubbles: true }));
  return form;
}

/**
 * `new FormData(form)` as a browser makes it: happy-dom fires no `formdata` event, so this does,
 * as the browser would, before answering the data set.
 */
export function serialise(form: HTMLFormElement): FormData {
  const formData = new FormData(form);
  form.dispatchEvent(Object.assign(new Event('formdata'), { formData }));
  return formData;
}

/** Lets MutationObserver callbacks and other pending microtasks run. */
export const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Waits for the next animation frame's callbacks to have run. */
export const frame = (): Promise<void> =>
  new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

/** Records every event of `type` on `target`. */
export function record<T extends Event>(target: EventTarget, type: string): T[] {
  const events: T[] = [];
  target.addEventListener(type, (event) => events.push(event as T));
  return events;
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  document.head.innerHTML = '';
  document.body.innerHTML = '';
  localStorage.clear();
});
