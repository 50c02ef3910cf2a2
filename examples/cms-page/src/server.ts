import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { DEFAULT_DETECTOR_SRC } from '@ct-protected-form/fields';
import { ctProtectedForm } from '@ct-protected-form/verifier/fastify';
import Fastify, { type FastifyInstance } from 'fastify';

export interface ServerConfig {
  /** The CleanTalk access key. */
  authKey: string;
  /** CleanTalk's real-time API, or a devserver's. @default 'https://moderate.cleantalk.org/api2.0' */
  endpoint?: string | undefined;
  /**
   * The bot detector to put in the page instead of CleanTalk's (the devserver's stand-in, offline).
   * @default undefined (the page's own `data-detector-src`, CleanTalk's)
   */
  detectorSrc?: string | undefined;
}

const require = createRequire(import.meta.url);
const publicFile = (name: string) => new URL(`../public/${name}`, import.meta.url);

/**
 * A stand-in for a CMS: serves a static page whose only change is the widget's script tag, and
 * checks what its WordPress-style comment form posts to `/wp-comments-post.php`.
 */
export async function buildServer(config: ServerConfig): Promise<FastifyInstance> {
  const app = Fastify();

  await app.register(ctProtectedForm, {
    authKey: config.authKey,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    logger: { warn: (message) => app.log.warn(message), error: (message) => app.log.error(message) },
  });

  app.get('/', async (_request, reply) => {
    let page = await readFile(publicFile('index.html'), 'utf8');
    // Offline, the page loads the devserver's stand-in detector rather than CleanTalk's.
    if (config.detectorSrc) page = page.replace(DEFAULT_DETECTOR_SRC, config.detectorSrc);
    return reply.type('text/html; charset=utf-8').send(page);
  });
  app.get('/style.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').send(await readFile(publicFile('style.css'))),
  );
  app.get('/ct-protected-form.min.js', async (_request, reply) =>
    reply
      .type('application/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(await readFile(require.resolve('@ct-protected-form/widget/standalone'))),
  );

  app.post(
    '/wp-comments-post.php',
    {
      config: {
        // WordPress's field names: author → nickname, comment → message.
        ctProtectedForm: { fields: { nickname: 'author', email: 'email', message: 'comment' } },
      },
    },
    // Blocked comments never get here: the plugin answers them with 403 and the reason.
    async (request, reply) => {
      const verdict = request.ctVerdict!;
      const author = String((request.body as Record<string, unknown>).author ?? '');
      const text =
        verdict.decision === 'allow' ? 'Your comment was published.' : 'Your comment is awaiting moderation.';
      return reply.type('text/html; charset=utf-8').send(resultPage(author, text));
    },
  );
  return app;
}

function resultPage(author: string, text: string): string {
  const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html lang="en-US"><head><meta charset="UTF-8"><title>Comment received</title><link rel="stylesheet" href="/style.css"></head>
<body><div class="site"><h1 class="entry-title">Thank you, ${escapeHtml(author)}</h1>
<p id="result">${escapeHtml(text)}</p><p><a href="/">Back to the post</a></p></div></body></html>
`;
}
