// The Custom Elements Manifest (custom-elements.json, shipped in the package, named by the
// `customElements` field) that editors, Storybook and framework wrappers read: the element, its
// attributes, properties, methods and events, taken from the public entries' JSDoc.

/** `src/x.ts` → `dist/x.js`: the manifest describes the shipped modules, not the sources. */
const shipped = (path) => path.replace(/^\/?src\/(.+)\.ts$/, 'dist/$1.js');

/** Rewrites every module reference in the manifest to its shipped path. */
function toShipped(node) {
  if (Array.isArray(node)) for (const item of node) toShipped(item);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'path' || key === 'module') && typeof value === 'string') node[key] = shipped(value);
      else toShipped(value);
    }
  }
}

export default {
  globs: [
    'src/index.ts',
    'src/define.ts',
    'src/auto.ts',
    'src/protected-form-element.ts',
    'src/events.ts',
    'src/consent.ts',
  ],
  outdir: '.',
  litelement: true,
  plugins: [
    {
      name: 'shipped-paths',
      packageLinkPhase({ customElementsManifest }) {
        toShipped(customElementsManifest.modules);
      },
    },
  ],
};
