import { type PropertyValues, ReactiveElement } from '@lit/reactive-element';
import { documentMember } from './dom.js';
import { type FieldsBody, ProtectionController } from './protection-controller.js';

/** The element's tag name. */
export const TAG_NAME = 'ct-protected-form';

/** Tags whose display rule is on the page already. */
const styled = new Set<string>();

/**
 * Gives the tag `display: contents` through a constructed stylesheet (not subject to a CSP's
 * `style-src`), so the wrapper adds no box. `:where()` has zero specificity: any display the author
 * sets, in a stylesheet or inline, wins; nothing is read back from the page's styles.
 */
function adoptContentsDisplay(tag: string): void {
  if (styled.has(tag)) return;
  const sheets = documentMember('adoptedStyleSheets');
  if (!sheets) return;
  styled.add(tag);
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(`:where(${tag}){display:contents}`);
  Reflect.set(Document.prototype, 'adoptedStyleSheets', [...sheets, sheet], document);
}

/**
 * `<ct-protected-form>` puts CleanTalk's invisible bot protection on the forms inside it: it loads
 * the bot detector once per page and writes the hidden fields the server-side verifier reads. It
 * renders nothing, has no shadow root and does not change how the page looks.
 *
 * @example
 * ```html
 * <ct-protected-form honeypot start-token-url="/ct/start-token">
 *   <form method="post" action="/comments">…</form>
 * </ct-protected-form>
 * ```
 *
 * @tagname ct-protected-form
 * @fires ct-ready - {@link ProtectedFormReadyEvent}: waiting for the detector's token has ended.
 * @fires ct-error - {@link ProtectedFormErrorEvent}: a bad attribute, the detector or the start token failed.
 */
export class ProtectedFormElement extends ReactiveElement {
  static override properties = {
    detectorSrc: { attribute: 'detector-src' },
    noDetector: { attribute: 'no-detector', type: Boolean },
    integrity: {},
    consent: {},
    honeypot: { type: Boolean },
    behaviour: {},
    startToken: { attribute: 'start-token' },
    startTokenUrl: { attribute: 'start-token-url' },
  };

  /** `detector-src`: URL of the bot detector. @default DEFAULT_DETECTOR_SRC */
  declare detectorSrc: string | null | undefined;
  /** `no-detector`: do not load the detector. @default false */
  declare noDetector: boolean | undefined;
  /** `integrity`: SRI hash of the detector's script. @default undefined */
  declare integrity: string | null | undefined;
  /** `consent`: `"pending"` until the visitor agrees, then `"granted"`. @default "granted" */
  declare consent: string | null | undefined;
  /** `honeypot`: add the `ct_hp` honeypot field. @default false */
  declare honeypot: boolean | undefined;
  /** `behaviour`: when to send the fallback signals, `"fallback"`, `"always"` or `"off"`. @default "fallback" */
  declare behaviour: string | null | undefined;
  /** `start-token`: a server-signed start token rendered into the page. @default undefined */
  declare startToken: string | null | undefined;
  /** `start-token-url`: where to GET a fresh start token. @default undefined */
  declare startTokenUrl: string | null | undefined;

  /**
   * Registers the element as `tag` in `registry`, unless that tag is taken already; answers the class.
   * Does nothing where there are no custom elements (server-side rendering).
   * @default tag "ct-protected-form", registry `customElements`
   */
  static define(
    tag: string = TAG_NAME,
    registry: CustomElementRegistry | undefined = globalThis.customElements,
  ): typeof ProtectedFormElement {
    // `this`, not the class name: a subclass's define() registers the subclass.
    // biome-ignore lint/complexity/noThisInStatic: see above
    if (registry && !registry.get(tag)) registry.define(tag, this);
    // biome-ignore lint/complexity/noThisInStatic: see above
    return this;
  }

  readonly #protection = new ProtectionController(this);

  /**
   * Resolves once the detector's token is available, or the detector failed, timed out, is
   * disabled or waits for consent. Never rejects; await it before sending a form with `fetch()`.
   */
  get ready(): Promise<void> {
    return this.#protection.ready;
  }

  /** No shadow root: the forms stay in the page's light DOM. Called once, at the first connection. */
  protected override createRenderRoot(): HTMLElement {
    adoptContentsDisplay(this.localName);
    return this;
  }

  protected override updated(changed: PropertyValues<this>): void {
    this.#protection.configure(changed);
  }

  /**
   * Fresh values of the hidden fields, for a `fetch()` body. Given the `form` being sent, the
   * fallback signals also list which of its fields a person could see.
   */
  getFields(form?: HTMLFormElement): Record<string, string> {
    return this.#protection.getFields(form);
  }

  /** Sets the hidden fields on a `FormData`, `URLSearchParams` or plain object body, and returns it. */
  appendTo<T extends FieldsBody>(body: T): T {
    return this.#protection.appendTo(body);
  }

  /** Starts over after a submit that stayed on the page (SPA): new start time, new start token. */
  reset(): void {
    this.#protection.reset();
  }
}
