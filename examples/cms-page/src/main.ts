import { DEFAULT_AUTH_KEY, startDevServer } from '@ct-protected-form/devserver';
import { buildServer } from './server.js';

const port = Number(process.env.PORT ?? 3001);
let authKey = process.env.CLEANTALK_AUTH_KEY;
let endpoint = process.env.CLEANTALK_ENDPOINT;
let detectorSrc = process.env.CT_DETECTOR_SRC;

const devserver = authKey ? undefined : await startDevServer();
if (devserver) {
  authKey = DEFAULT_AUTH_KEY;
  endpoint = devserver.apiUrl;
  detectorSrc = devserver.detectorUrl;
  console.log(
    `CLEANTALK_AUTH_KEY is not set: checking against a local CleanTalk-compatible devserver at ${devserver.url} (offline, predictable rules).`,
  );
}

const app = await buildServer({ authKey: authKey!, endpoint, detectorSrc });
const address = await app.listen({ port, host: process.env.HOST || '127.0.0.1' });
console.log(`The CMS page is at ${address.replace('127.0.0.1', 'localhost')}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await app.close();
    await devserver?.close();
    process.exit(0);
  });
}
