/**
 * Types of `@ct-protected-form/widget/standalone`, the script-tag build (`dist/ct-protected-form.min.js`,
 * copied beside it as `ct-protected-form.min.d.ts` by the build). It is a classic script, not a module:
 * loaded by a `<script>` tag it registers `<ct-protected-form>`, runs auto mode with `data-auto`, and
 * offers its API as the global `CTProtectedForm`. Imported as a module, it only registers the element.
 * To use the API from a module, import `@ct-protected-form/widget` instead.
 */
export {};
