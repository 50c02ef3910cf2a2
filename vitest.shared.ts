import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const at = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The verifier's subpaths and import map as its package.json declares them (the `source` condition),
// so a moved file needs no second edit here.
const verifierManifest = JSON.parse(readFileSync(at('./packages/verifier/package.json'), 'utf8')) as {
  exports: Record<string, string | { source: string }>;
  imports: Record<string, { source: { node: string } }>;
};
const verifierEntries = Object.entries(verifierManifest.exports).flatMap(([subpath, target]) =>
  typeof target === 'object'
    ? [
        {
          find: new RegExp(`^@ct-protected-form/verifier${subpath.slice(1).replace('/', '\\/')}$`),
          replacement: at(`./packages/verifier/${target.source}`),
        },
      ]
    : [],
);
const verifierImports = Object.entries(verifierManifest.imports).map(([name, target]) => ({
  find: new RegExp(`^${name}$`),
  replacement: at(`./packages/verifier/${target.source.node}`),
}));

/**
 * Tests import the workspace packages from source, so `pnpm test:unit` never needs a build
 * and a stale `dist/` can never hide a change.
 */
export const workspaceAliases = [
  { find: /^@ct-protected-form\/fields$/, replacement: at('./packages/fields/src/index.ts') },
  ...verifierEntries,
  { find: /^@ct-protected-form\/devserver$/, replacement: at('./packages/devserver/src/index.ts') },
  // The verifier's own import map, Node branch, from source.
  ...verifierImports,
  { find: /^@ct-protected-form\/widget$/, replacement: at('./packages/widget/src/index.ts') },
];
