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

type Controller = typeof import('../src/protection-controller.js').ProtectionController;
type Options = import('../src/options.js').ProtectionOptions;

/**
 * A protection over the whole page's forms, its events on `document`, driven as auto mode drives
 * it: a plain host whose options `connect()` and `configure()` replace, as a new render would.
 * `Controller` is passed in, so that a test can use a fresh copy of the module.
 */
export function drive(Controller: Controller) {
  const host: Options & { addController(): void; isConnected: boolean; hasUpdated: boolean } = {
    addController() {},
    isConnected: true,
    hasUpdated: true,
  };
  const controller = new Controller(host, document);
  const set = (options: Options) => {
    for (const key of Object.keys(host)) {
      if (!['addController', 'isConnected', 'hasUpdated'].includes(key)) delete host[key as keyof Options];
    }
    Object.assign(host, options);
  };
  return {
    controller,
    get pending() {
      return controller.pending;
    },
    get ready() {
      return controller.ready;
    },
    get startedAt() {
      return controller.startedAt;
    },
    getFields: (form?: HTMLFormElement) => controller.getFields(form),
    appendTo: <T extends Parameters<typeof controller.appendTo>[0]>(body: T) => controller.appendTo(body),
    reset: () => controller.reset(),
    grantConsent: () => controller.grantConsent(),
    disconnect: () => controller.hostDisconnected(),
    /** Sets the options and connects. */
    connect(options: Options) {
      set(options);
      controller.hostConnected();
    },
    /** Sets the options and applies them, as changed from `changed`'s values (all of them, by default). */
    configure(options: Options, changed?: Map<string, unknown>) {
      set(options);
      controller.configure(changed);
    },
  };
}
