import { createStartTokens } from '@ct-protected-form/verifier';
import { ctProtectedForm } from '@ct-protected-form/verifier/express';
import express from 'express';

const env = process.env;
const app = express();
app.set('trust proxy', 'loopback'); // your proxies' addresses only
const protect = ctProtectedForm({
  authKey: env.CLEANTALK_AUTH_KEY ?? '',
  endpoint: env.CLEANTALK_ENDPOINT, // unset: CleanTalk's own servers
  databaseEndpoint: env.CLEANTALK_DATABASE_ENDPOINT,
  startTokens: createStartTokens({ secrets: [env.START_TOKEN_SECRET ?? ''] }),
});
app.use(protect.startTokenRoute); // GET /ct-protected-form/start-token, the page's start-token-url

app.post('/contact', protect({ commentType: 'contact' }), (req, res) => {
  res.send(req.ctVerdict?.decision === 'review' ? 'Thanks! Your message is held for review.' : 'Thanks!');
});

// A wrong key or endpoint stops the start here, instead of holding every message for review.
const key = await protect.verifier.checkKey();
if (!key.valid) throw new Error('CleanTalk does not accept CLEANTALK_AUTH_KEY');
app.listen(Number(env.PORT ?? 3000));
