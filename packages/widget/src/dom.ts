/*
 * The browser's own DOM members, past the page's named elements. HTML lets a form, image, embed or
 * object named "referrer", "body" or "createElement" stand in for the `document` member of that
 * name, "addEventListener" and the other methods `document` inherits included (`window`'s members
 * stay the browser's); a form control does the same to its form's members. A CMS page that shows visitors' markup may hold any
 * of them, so the widget reaches these members through the prototypes, where no element can. Read
 * at each call, not kept, so that a page's own wrappers of the prototypes still see our calls.
 */

/** `document[name]` as the browser defines it. */
export const documentMember = <K extends keyof Document>(name: K): Document[K] =>
  Reflect.get(Document.prototype, name, document);

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
