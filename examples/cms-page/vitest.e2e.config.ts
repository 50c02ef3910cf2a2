import { defineConfig } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.ts';

/** End-to-end tests: the CMS page in a real Chromium. Needs `pnpm build` first (the browser loads the widget's build). */
export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    name: 'example-cms-page-e2e',
    environment: 'node',
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
