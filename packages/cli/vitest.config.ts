import { defineProject } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.ts';

export default defineProject({
  resolve: { alias: workspaceAliases },
  test: {
    name: 'cli',
    environment: 'node',
    include: ['test/**/*.test.ts'],
    // The CLI runs from dist/: built here once when missing or older than the sources.
    globalSetup: ['test/global-setup.ts'],
  },
});
