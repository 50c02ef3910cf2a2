import { defineConfig } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.ts';

/** End-to-end: the page quick start in a real Chromium against the Fastify quick start. Needs `pnpm build` first. */
export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    name: 'example-quick-starts-e2e',
    environment: 'node',
    include: ['e2e/**/*.e2e.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
