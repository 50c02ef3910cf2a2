import { OptionsError } from '../../errors.js';
import { describe, type VerifierLogger, validateInteger } from '../../options.js';
import { canIssue, DEFAULT_START_TOKEN_PATH, type StartTokenRoute } from '../../start-tokens/endpoint.js';
import { createIssueLimiter, type StartTokenRateLimit } from '../../start-tokens/rate-limit.js';
import type { StartTokenVerifier } from '../../start-tokens/start-token-verifier.js';
import type { StartTokens } from '../../start-tokens/start-tokens.js';
import { type CreateVerifierOptions, createVerifier, type Verifier } from '../../verifier.js';
import { createProxyWarning } from './proxy-warning.js';
import { type ProtectedRouteConfig, type ResolvedRouteConfig, resolveRouteConfig } from './route-config.js';

/** Options every adapter takes: the verifier's own options, plus how routes are protected. */
export interface AdapterOptions extends CreateVerifierOptions {
  /**
   * Signed start tokens from `createStartTokens()`. The verifier checks `ct_start_token` with them,
   * and the adapter serves fresh tokens at {@link AdapterOptions.startTokenPath}.
   */
  startTokens?: StartTokens | StartTokenVerifier;
  /**
   * The path of the `GET` route answering `{"token":"…"}` that the widget's `start-token-url`
   * points at; `false` serves none (e.g. when pages carry the token in `start-token`). Only served
   * when `startTokens` can issue.
   * @default '/ct-protected-form/start-token'
   */
  startTokenPath?: string | false;
  /**
   * Limits how many tokens one client address (an IPv6 /64) fetches from the start-token route;
   * beyond it the route answers `429` with `Retry-After`. Counted in this process's memory, per
   * instance. `false` turns it off (e.g. when a proxy in front limits the route already).
   * @default { max: 30, windowMs: 60000 }
   */
  startTokenRateLimit?: StartTokenRateLimit | false;
  /**
   * Binds each token the route issues to a session cookie it sets (`HttpOnly`, `SameSite=Lax`,
   * `Secure` on HTTPS, named by `createStartTokens({ cookieName })`), so a token harvested in one
   * session is `foreign` in another. `false` issues tokens valid under any session.
   * @default true
   */
  startTokenCookie?: boolean;
  /** The route configuration every protected route starts from. @default { method: 'check_message' } */
  defaults?: ProtectedRouteConfig;
}

/** Adapter options after validation, with the verifier created. */
/** What differs in how each adapter takes the options they share. */
export interface AdapterKind {
  /** How the adapter calls `onBlocked`, for the error a wrong one gets: `(request, verdict) => Response`. */
  onBlocked: string;
  /** What to tell a site whose every client address is its own proxy's. */
  proxyAdvice: string;
  /** Where warnings go without a `logger` option (the framework's own logger). @default console */
  logger?: VerifierLogger;
}

/** The options every adapter shares, with its own `onBlocked` hook. */
export interface CommonAdapterOptions<Blocked> extends AdapterOptions {
  onBlocked?: Blocked;
  /** Largest body the adapter reads itself, in bytes. */
  bodyLimit?: number;
}

export interface ResolvedAdapterOptions<Blocked = unknown> {
  verifier: Verifier;
  onBlocked: Blocked | undefined;
  bodyLimit: number;
  logger: VerifierLogger;
  /** Warns once when client addresses look like the site's own proxy. */
  warnProxy: ReturnType<typeof createProxyWarning>;
  /** Set when tokens can be issued and the route is enabled. */
  startTokenRoute?: StartTokenRoute;
  defaults: ResolvedRouteConfig;
}

/** Validates adapter options and creates the verifier, throwing an `OptionsError` that names the option. */
export function resolveAdapterOptions<Blocked>(
  options: CommonAdapterOptions<Blocked>,
  kind: AdapterKind,
): ResolvedAdapterOptions<Blocked> {
  if (options === null || typeof options !== 'object') {
    throw new OptionsError('options', `expected an object, got ${describe(options)}`);
  }
  const {
    onBlocked,
    bodyLimit = DEFAULT_BODY_LIMIT,
    startTokenPath,
    startTokenRateLimit,
    startTokenCookie,
    defaults,
    ...verifierOptions
  } = options;
  if (onBlocked !== undefined && typeof onBlocked !== 'function') {
    throw new OptionsError('onBlocked', `expected a function ${kind.onBlocked}`);
  }
  validateInteger('bodyLimit', bodyLimit, 1, MAX_BODY_LIMIT);
  const logger = verifierOptions.logger ?? kind.logger ?? console;
  const verifier = createVerifier({ ...verifierOptions, logger });
  const resolved: ResolvedAdapterOptions<Blocked> = {
    verifier,
    onBlocked,
    bodyLimit,
    logger,
    warnProxy: createProxyWarning(logger, kind.proxyAdvice),
    defaults: resolveRouteConfig(defaults, undefined, 'defaults'),
  };
  const path = startTokenPath ?? DEFAULT_START_TOKEN_PATH;
  if (path !== false && (typeof path !== 'string' || !/^\/[\w\-./~]{0,200}$/.test(path))) {
    throw new OptionsError(
      'startTokenPath',
      `expected an absolute path like '/start-token' or false, got ${describe(path)}`,
    );
  }
  if (options.startTokens !== undefined) {
    if (typeof options.startTokens?.verify !== 'function') {
      throw new OptionsError('startTokens', 'expected the object createStartTokens() returns');
    }
    if (startTokenCookie !== undefined && typeof startTokenCookie !== 'boolean') {
      throw new OptionsError('startTokenCookie', `expected true or false, got ${describe(startTokenCookie)}`);
    }
    const limiter =
      startTokenRateLimit === false ? undefined : createIssueLimiter(startTokenRateLimit, options.now);
    if (path !== false && canIssue(options.startTokens)) {
      const route: StartTokenRoute = { path, tokens: options.startTokens, cookie: startTokenCookie ?? true };
      if (limiter) route.limiter = limiter;
      resolved.startTokenRoute = route;
    }
  }
  return resolved;
}

/** The largest body the Express and Web adapters read themselves, by default: 1 MiB. */
export const DEFAULT_BODY_LIMIT = 1_048_576;

/** The largest `bodyLimit` accepted: 1 GiB. */
export const MAX_BODY_LIMIT = 1_073_741_824;
