/*
 * The browser's own DOM members, past the page's named elements. HTML lets a form, image, embed or
 * object named "referrer", "body" or "createElement" stand in for the `document` member of that
 * name, "addEventListener" and the other methods `document` inherits included (`window`'s own
 * members stay the browser's), as a form control does for its form's members. A CMS page that
 * shows visitors' markup may hold any of them, so the widget reaches these members through the
 * prototypes, where no element can. They are looked up at each call rather than kept, so that
 * wrappers a page puts on the prototypes (zone.js, instrumentation) see our calls as any other.
 */

/** `document[name]` as the browser defines it. */
export const documentMember = <K extends keyof Document>(name: K): Document[K] =>
  Reflect.get(Document.prototype, name, document);

/** `document.querySelector(selector)`. */
export const querySelector = (selector: string): Element | null =>
  Document.prototype.querySelector.call(document, selector);

/** `document.createElement(tag)`. */
export const createElement = <K extends keyof HTMLElementTagNameMap>(tag: K): HTMLElementTagNameMap[K] =>
  Document.prototype.createElement.call(document, tag) as HTMLElementTagNameMap[K];

/** `target.addEventListener(…)`. */
export const listen = (target: EventTarget, ...args: Parameters<EventTarget['addEventListener']>): void =>
  EventTarget.prototype.addEventListener.apply(target, args);

/** `target.removeEventListener(…)`. */
export const unlisten = (
  target: EventTarget,
  ...args: Parameters<EventTarget['removeEventListener']>
): void => EventTarget.prototype.removeEventListener.apply(target, args);

/** `target.dispatchEvent(event)`. */
export const dispatch = (target: EventTarget, event: Event): boolean =>
  EventTarget.prototype.dispatchEvent.call(target, event);
