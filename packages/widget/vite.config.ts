import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';

const litCssTag = fileURLToPath(new URL('build/lit-css-tag.ts', import.meta.url));

/**
 * The script-tag build: `dist/ct-protected-form.min.js`, one minified, self-registering IIFE with
 * Lit's ReactiveElement and the field contract inside (global `CTProtectedForm`). The npm build is plain `tsc` (see tsconfig.build.json).
 */
export default defineConfig({
  plugins: [
    {
      // Lit's css-tag module as it runs in the browsers this build is for (see build/lit-css-tag.ts).
      name: 'lit-css-tag',
      enforce: 'pre',
      resolveId(source, importer) {
        if (source === './css-tag.js' && importer?.includes('/@lit/reactive-element/')) return litCssTag;
      },
    },
  ],
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
