// app/contact/route.ts: a Next.js route handler; the same code runs on Hono, Bun, Deno, Workers.
import { createStartTokens } from '@ct-protected-form/verifier';
import { createRequestProtector } from '@ct-protected-form/verifier/fetch';

const env = process.env;
const protect = createRequestProtector({
  authKey: env.CLEANTALK_AUTH_KEY ?? '',
  endpoint: env.CLEANTALK_ENDPOINT, // unset: CleanTalk's own servers
  databaseEndpoint: env.CLEANTALK_DATABASE_ENDPOINT,
  startTokens: createStartTokens({ secrets: [env.START_TOKEN_SECRET ?? ''] }),
  getIp: (request) => request.headers.get('x-real-ip'), // set by your proxy; without it: 400
});

// A wrong key or endpoint stops the start here, instead of holding every message for review.
const key = await protect.verifier.checkKey();
if (!key.valid) throw new Error('CleanTalk does not accept CLEANTALK_AUTH_KEY');

/** The page's start-token-url: `<ct-protected-form start-token-url="/contact">`. */
export const GET = (request: Request) => protect.startTokenResponse(request);

export async function POST(request: Request) {
  const { verdict, response } = await protect(request, { commentType: 'contact' });
  if (response) return response; // 403 for a block, 4xx for a request that cannot be checked
  return new Response(verdict.decision === 'review' ? 'Thanks! Your message is held for review.' : 'Thanks!');
}
