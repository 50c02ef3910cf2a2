import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';

/** URL of the widget's script-tag build on this site. */
export const WIDGET_SCRIPT_URL = '/assets/ct-protected-form.min.js';

const require = createRequire(import.meta.url);

/**
 * The stylesheet, and `<ct-protected-form>` straight from the workspace's widget build
 * (`@ct-protected-form/widget/standalone`): rebuild the widget and reload the page to see a change.
 */
export function assetRoutes(app: FastifyInstance): void {
  const stylesheet = new URL('../../public/site.css', import.meta.url);

  app.get('/assets/site.css', async (_request, reply) =>
    reply
      .type('text/css; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(await readFile(stylesheet)),
  );

  app.get(WIDGET_SCRIPT_URL, async (_request, reply) => {
    try {
      const source = await readFile(require.resolve('@ct-protected-form/widget/standalone'));
      return reply
        .type('application/javascript; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(source);
    } catch {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The widget is not built yet: run `pnpm build` at the repository root.');
    }
  });
}
