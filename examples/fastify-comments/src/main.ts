import { DEFAULT_AUTH_KEY, type DevServer, startDevServer } from '@ct-protected-form/devserver';
import { hashPassword } from './admin/credentials.js';
import { buildApp } from './app.js';
import { ConfigError, readConfig } from './config.js';

let config: ReturnType<typeof readConfig>;
try {
  config = readConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`Configuration error: ${error.message}`);
  process.exit(2);
}

let devserver: DevServer | undefined;
let { authKey, endpoint, detectorSrc } = config;
if (!authKey) {
  // No key: everything stays on this machine. The devserver answers like CleanTalk, by documented rules.
  devserver = await startDevServer();
  authKey = DEFAULT_AUTH_KEY;
  endpoint = devserver.apiUrl;
  detectorSrc = devserver.detectorUrl;
  console.log(
    `CLEANTALK_AUTH_KEY is not set: checking against a local CleanTalk-compatible devserver at ${devserver.url} (offline, predictable rules).`,
  );
}
if (config.generatedSecret) {
  console.log(
    'CT_START_TOKEN_SECRET is not set: start tokens are signed with a random secret for this process.',
  );
}

if (config.admin.generatedSessionSecret) {
  console.log(
    'SESSION_SECRET is not set: admin sessions are signed with a random secret for this process (log in again after a restart).',
  );
}
const { admin } = config;
const passwordHash = admin.passwordHash ?? (await hashPassword(admin.password ?? ''));

const app = await buildApp({
  authKey,
  endpoint,
  detectorSrc,
  startTokenSecret: config.startTokenSecret,
  admin: { credentials: { user: admin.user, passwordHash }, sessionSecret: admin.sessionSecret },
  trustProxy: config.trustProxy,
  dataFile: config.dataFile,
  dashboardLinks: devserver === undefined,
  logger: { level: process.env.LOG_LEVEL ?? 'warn' },
});

const address = (await app.listen({ port: config.port, host: config.host })).replace(
  '127.0.0.1',
  'localhost',
);
console.log(`Balcony Gardener is running at ${address}`);
console.log(
  admin.generatedPassword
    ? `Admin area: ${address}/login, user ${admin.user}, password ${admin.password} (ADMIN_PASSWORD is not set: a random one for this process).`
    : `Admin area: ${address}/login, user ${admin.user}.`,
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await app.close();
    await devserver?.close();
    process.exit(0);
  });
}
