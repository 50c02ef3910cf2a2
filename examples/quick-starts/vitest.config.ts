import { defineProject } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.ts';

export default defineProject({
  resolve: { alias: workspaceAliases },
  test: {
    name: 'example-quick-starts',
    environment: 'node',
    include: ['test/**/*.test.ts'],
    // Each test starts a quick start as its own process and waits for it to listen.
    testTimeout: 30_000,
  },
});
