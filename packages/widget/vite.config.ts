import { defaultClientConditions, defineConfig } from 'vite';

/**
 * The script-tag build: `dist/ct-protected-form.min.js`, one minified, self-registering IIFE with
 * Lit's ReactiveElement and the field contract inside (global `CTProtectedForm`). The npm build is plain `tsc` (see tsconfig.build.json).
 */
export default defineConfig({
  resolve: {
    conditions: ['source', ...defaultClientConditions],
  },
  build: {
    emptyOutDir: false,
    minify: true,
    sourcemap: false,
    rolldownOptions: {
      // The field names and other constants of the contract written where they are used.
      optimization: { inlineConst: true },
      // No `Symbol.toStringTag` on the global's namespace object: nothing reads it.
      output: { generatedCode: { symbols: false } },
    },
    lib: {
      entry: 'src/standalone.ts',
      name: 'CTProtectedForm',
      formats: ['iife'],
      fileName: () => 'ct-protected-form.min.js',
    },
  },
});
