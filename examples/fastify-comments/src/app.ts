import { createStartTokens, type FailMode } from '@ct-protected-form/verifier';
import { ctProtectedForm } from '@ct-protected-form/verifier/fastify';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { adminArea } from './admin/admin-area.js';
import type { AdminCredentials } from './admin/credentials.js';
import type { AppContext, BlockedPage } from './context.js';
import { Store } from './db.js';
import { assetRoutes, WIDGET_SCRIPT_URL } from './routes/assets.js';
import { postRoutes } from './routes/posts.js';
import { signupRoutes } from './routes/signup.js';
import { notFoundPage } from './views/not-found.js';

/** Where the widget fetches its signed start token (the plugin serves it). */
export const START_TOKEN_PATH = '/ct-protected-form/start-token';

/** Everything the app needs to run; `main.ts` builds it from the environment. */
export interface AppConfig {
  /** The CleanTalk access key. Sent to CleanTalk and nowhere else. */
  authKey: string;
  /**
   * CleanTalk's real-time API (`api2.0`), or a devserver's.
   * @default 'https://moderate.cleantalk.org/api2.0'
   */
  endpoint?: string | undefined;
  /**
   * The bot detector's script, CleanTalk's or a devserver's stand-in.
   * @default 'https://fd.cleantalk.org/ct-bot-detector-wrapper.js'
   */
  detectorSrc?: string | undefined;
  /** Secret for signed start tokens, at least 32 bytes. */
  startTokenSecret: string;
  /** Who may log in to the admin area (`/moderation`, `/log`), and the secret signing its session cookie. */
  admin: {
    credentials: AdminCredentials;
    /** Signs the session cookie: at least 32 characters. */
    sessionSecret: string;
  };
  /**
   * The SQLite file. Without one, the data lives in memory and is gone when the app stops.
   * @default undefined
   */
  dataFile?: string | undefined;
  /**
   * What a check decides when CleanTalk cannot be reached.
   * @default 'review' (hold for moderation: nothing is lost, nothing unchecked is published)
   */
  failMode?: FailMode | undefined;
  /**
   * Show CleanTalk dashboard links for request ids in the log (useful with a real key only).
   * @default false
   */
  dashboardLinks?: boolean | undefined;
  /** Fastify's logger option. @default false */
  logger?: FastifyServerOptions['logger'];
  /**
   * Fastify's `trustProxy`: the reverse proxies whose `X-Forwarded-For`/`-Proto`/`-Host` are
   * believed (addresses, CIDR ranges, or `true` for any peer). `request.ip` is what CleanTalk gets
   * as the visitor's IP, and `request.protocol` decides whether the session cookie is `Secure`.
   * @default false
   */
  trustProxy?: FastifyServerOptions['trustProxy'];
  /** Time and size limits for what clients send; see {@link ServerLimits}. */
  limits?: ServerLimits | undefined;
}

/**
 * How long a client may take and how much it may send. Node and Fastify wait forever by default
 * for a request's body: a few hundred connections that trickle in a byte now and then would hold
 * the server. Each limit is checked about once a second (`connectionsCheckingInterval`).
 */
export interface ServerLimits {
  /**
   * The whole request, headers and body, must arrive within this time, or the server answers 408
   * and closes the connection (Node's `server.requestTimeout`). A form post of a megabyte over a
   * slow mobile line takes a few seconds.
   * @default 30_000
   */
  requestTimeoutMs?: number;
  /**
   * The request's headers must arrive within this time (Node's `server.headersTimeout`); at most
   * `requestTimeoutMs`.
   * @default 10_000
   */
  headersTimeoutMs?: number;
  /**
   * A kept-alive connection with no request in progress is closed after this time (Node's
   * `server.keepAliveTimeout`). Behind a reverse proxy that keeps connections to the app open, set
   * it above the proxy's own idle timeout, or the proxy may send a request on a connection the
   * app is closing.
   * @default 10_000
   */
  keepAliveTimeoutMs?: number;
  /**
   * A connection on which nothing at all happens for this long is closed, also while an answer is
   * being read (Fastify's `connectionTimeout`, `socket.setTimeout`).
   * @default 60_000
   */
  idleTimeoutMs?: number;
  /**
   * The largest request body in bytes: the verifier's adapters' default, 1 MiB; larger bodies get
   * 413 before they are parsed.
   * @default 1_048_576
   */
  bodyLimit?: number;
}

/** The limits the app runs with when {@link AppConfig.limits} leaves them out. */
export const DEFAULT_LIMITS: Required<ServerLimits> = {
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 10_000,
  idleTimeoutMs: 60_000,
  bodyLimit: 1_048_576,
};

/**
 * Builds the example site: a blog whose comment and sign-up forms are protected by
 * `<ct-protected-form>` in the page and checked with CleanTalk on the server. Not listening yet:
 * call `app.listen()`, or `app.inject()` in tests.
 */
export async function buildApp(config: AppConfig): Promise<FastifyInstance> {
  const limits = { ...DEFAULT_LIMITS, ...config.limits };
  const app = Fastify({
    logger: config.logger ?? false,
    // request.ip, which the checks send as the visitor's IP, honours trustProxy only.
    trustProxy: config.trustProxy ?? false,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    bodyLimit: limits.bodyLimit,
    http: {
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      // How often Node looks for requests past their time: every second instead of every 30 s.
      connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
    },
  });
  const store = Store.open({ file: config.dataFile });
  app.addHook('onClose', async () => store.close());

  const blockedPages = new Map<string, BlockedPage>();
  await app.register(ctProtectedForm, {
    authKey: config.authKey,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.failMode ? { failMode: config.failMode } : {}),
    startTokens: createStartTokens({ secrets: [config.startTokenSecret] }),
    startTokenPath: START_TOKEN_PATH,
    // Configuration problems (a wrong key, CleanTalk unreachable) go to the app's log.
    logger: { warn: (message) => app.log.warn(message), error: (message) => app.log.error(message) },
    onBlocked: (request, reply, verdict) => {
      const blockedPage = blockedPages.get(request.routeOptions.url ?? '');
      if (blockedPage) return blockedPage(request, reply, verdict);
      return reply.code(403).type('text/plain; charset=utf-8').send(verdict.reason);
    },
  });
  const { verifier } = app.ctProtectedForm;

  const context: AppContext = {
    store,
    verifier,
    site: { name: 'Balcony Gardener', widgetScriptUrl: WIDGET_SCRIPT_URL },
    protection: {
      detectorSrc: config.detectorSrc ?? 'https://fd.cleantalk.org/ct-bot-detector-wrapper.js',
      startTokenUrl: START_TOKEN_PATH,
    },
    dashboardLinks: config.dashboardLinks ?? false,
    sendFeedback: async (requestId, spam) => {
      const result = await verifier.sendFeedback([{ requestId, spam }]);
      if (!result.complete) app.log.warn({ code: result.error?.code }, 'feedback not sent to CleanTalk');
      return result.complete && result.received > 0;
    },
    blockedPages,
  };

  assetRoutes(app);
  postRoutes(app, context);
  signupRoutes(app, context);
  await app.register(adminArea, {
    context,
    credentials: config.admin.credentials,
    sessionSecret: config.admin.sessionSecret,
  });
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).type('text/html').send(notFoundPage(context.site)),
  );
  return app;
}
