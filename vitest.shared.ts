import { fileURLToPath } from 'node:url';

const at = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Tests import the workspace packages from source, so `pnpm test:unit` never needs a build
 * and a stale `dist/` can never hide a change.
 */
export const workspaceAliases = [
  { find: /^@ct-protected-form\/fields$/, replacement: at('./packages/fields/src/index.ts') },
  { find: /^@ct-protected-form\/verifier$/, replacement: at('./packages/verifier/src/index.ts') },
  { find: /^@ct-protected-form\/verifier\/(.+)$/, replacement: at('./packages/verifier/src/$1/index.ts') },
  { find: /^@ct-protected-form\/devserver$/, replacement: at('./packages/devserver/src/index.ts') },
  // The verifier's own import map (package.json "imports"), Node branch, from source.
  { find: /^#default-fetch$/, replacement: at('./packages/verifier/src/default-fetch.node.ts') },
  { find: /^@ct-protected-form\/widget$/, replacement: at('./packages/widget/src/index.ts') },
];
