import { defaultClientConditions, defineConfig } from 'vite';

/**
 * The script-tag build: `dist/ct-protected-form.min.js`, one minified, self-registering IIFE with
 * Lit's ReactiveElement and the field contract inside (global `CTProtectedForm`), with no dynamic
 * import left. The npm build is plain `tsc` (see tsconfig.build.json).
 */
export default defineConfig({
  resolve: {
    conditions: ['source', ...defaultClientConditions],
    // The npm build loads the start-token code on demand; this file carries everything anyway, so it
    // imports it directly rather than with the runtime a bundled dynamic import needs.
    alias: [{ find: /^\.\/load-start-token\.js$/, replacement: './start-token.js' }],
  },
  build: {
    emptyOutDir: false,
    minify: true,
    sourcemap: false,
    lib: {
      entry: 'src/standalone.ts',
      name: 'CTProtectedForm',
      formats: ['iife'],
      fileName: () => 'ct-protected-form.min.js',
    },
  },
});
