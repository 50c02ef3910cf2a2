import { createStartTokens } from '@ct-protected-form/verifier';
import { ctProtectedForm } from '@ct-protected-form/verifier/fastify';
import Fastify from 'fastify';

const env = process.env;
const app = Fastify({ logger: true, trustProxy: false }); // behind a proxy: its address, never true
await app.register(ctProtectedForm, {
  authKey: env.CLEANTALK_AUTH_KEY ?? '',
  endpoint: env.CLEANTALK_ENDPOINT, // unset: CleanTalk's own servers
  databaseEndpoint: env.CLEANTALK_DATABASE_ENDPOINT,
  // Serves GET /ct-protected-form/start-token, the page's start-token-url.
  startTokens: createStartTokens({ secrets: [env.START_TOKEN_SECRET ?? ''] }),
});

app.post('/contact', { config: { ctProtectedForm: { commentType: 'contact' } } }, async (request) =>
  request.ctVerdict?.decision === 'review' ? 'Thanks! Your message is held for review.' : 'Thanks!',
);

// A wrong key or endpoint stops the start here, instead of holding every message for review.
const key = await app.ctProtectedForm.verifier.checkKey();
if (!key.valid) throw new Error('CleanTalk does not accept CLEANTALK_AUTH_KEY');
await app.listen({ port: Number(env.PORT ?? 3000) });
