import { defineProject } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.ts';

export default defineProject({
  resolve: { alias: workspaceAliases },
  test: {
    name: 'widget',
    environment: 'happy-dom',
    // happy-dom loads no script files; it reports them as loaded, and tests dispatch `error` themselves.
    environmentOptions: { happyDOM: { settings: { handleDisabledFileLoadingAsSuccess: true } } },
    include: ['test/**/*.test.ts'],
  },
});
