import { defineProject } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.ts';

export default defineProject({
  resolve: { alias: workspaceAliases },
  test: {
    name: 'example-fastify-comments',
    environment: 'node',
    include: ['test/**/*.test.ts'],
    // The properties drive the whole app (forms, admin session, SQLite) dozens of times each: on a
    // busy two-core machine that outlasts vitest's 5 s default without anything being wrong.
    testTimeout: 30_000,
  },
});
