import type { CSSResultOrNative } from '@lit/reactive-element/css-tag.js';

/*
 * The script tag's copy of Lit's `@lit/reactive-element/css-tag.js`, put in its place by
 * vite.config.ts: the two functions ReactiveElement calls, as Lit's own behave in every browser the
 * script tag is built for (Chrome and Edge 111+, Firefox 114+, Safari 16.4+). All of them adopt
 * constructed stylesheets, so Lit's `<style>`-element fallback and its stylesheet-to-CSSResult
 * conversion are never taken there; leaving them out takes about 0.3 KB gzip off the script tag.
 * Our element draws nothing; this keeps a subclass with `static styles` and a shadow root working.
 * The module's other exports are Lit's own, for ReactiveElement's re-exports (the global offers none).
 */
export { CSSResult, css, supportsAdoptingStyleSheets, unsafeCSS } from '@lit/reactive-element/css-tag.js';

export const getCompatibleStyle = (style: CSSResultOrNative): CSSResultOrNative => style;

export const adoptStyles = (root: ShadowRoot, styles: CSSResultOrNative[]): void => {
  root.adoptedStyleSheets = styles.map((style) =>
    style instanceof CSSStyleSheet ? style : (style.styleSheet as CSSStyleSheet),
  );
};
