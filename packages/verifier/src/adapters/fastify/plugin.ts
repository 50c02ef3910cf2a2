import type {
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  preHandlerAsyncHookHandler,
  RouteOptions,
} from 'fastify';
import fp from 'fastify-plugin';
import type { Verdict } from '../../check/verdict.js';
import { OptionsError } from '../../errors.js';
import type { VerifierLogger } from '../../options.js';
import type { StartTokens } from '../../start-tokens/start-tokens.js';
import type { Verifier } from '../../verifier.js';
import {
  type AdapterOptions,
  blockedResponse,
  checkRequest,
  type HiddenFields,
  MULTIPART,
  type ProtectedRouteConfig,
  parseFormBody,
  RequestError,
  type ResolvedRouteConfig,
  resolveAdapterOptions,
  resolveRouteConfig,
  startTokenResponse,
  takeHiddenFields,
  URLENCODED,
} from '../shared/index.js';

/** Options of the Fastify plugin: the verifier's options plus the adapter's. Validated at `register()`. */
export interface FastifyCtProtectedFormOptions extends AdapterOptions {
  /**
   * Answers a blocked submission instead of the default 403 (HTML or JSON by `Accept`, with the
   * verdict's display-safe reason). Send a reply with `reply`, or return a payload to send with 403;
   * returning nothing without sending sends the default 403, so a visitor is never left waiting.
   * `review` and `allow` never come here: they reach the route handler with `request.ctVerdict`.
   */
  onBlocked?: (request: FastifyRequest, reply: FastifyReply, verdict: Verdict) => unknown;
  /**
   * Adds parsers for `application/x-www-form-urlencoded` and `multipart/form-data` (within the
   * app's `bodyLimit`, repeated fields as arrays, uploads as `File`), each only when the app has
   * none for that type yet.
   * @default true
   */
  parseForms?: boolean;
  /**
   * Where unverified checks, configuration problems and proxy misconfigurations are reported.
   * @default the app's logger (`fastify.log`)
   */
  logger?: VerifierLogger;
}

/** What the plugin adds to the Fastify instance as `fastify.ctProtectedForm`. */
export interface CtProtectedFormDecorator {
  /** The verifier the plugin uses, for checks of your own (e.g. `checkNewUser` in a custom flow). */
  readonly verifier: Verifier;
  /** The start tokens, when configured: e.g. `await fastify.ctProtectedForm.startTokens.issue()` for server-rendered pages. */
  readonly startTokens: StartTokens | undefined;
  /**
   * A preHandler that checks the route's submission: `{ preHandler: fastify.ctProtectedForm.preHandler({ method: 'check_newuser' }) }`.
   * Equivalent to the route option `config: { ctProtectedForm: … }`, except that the config way also
   * takes the hidden fields out before schema validation.
   */
  preHandler(config?: ProtectedRouteConfig): preHandlerAsyncHookHandler;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Set by `@ct-protected-form/verifier/fastify`. */
    ctProtectedForm: CtProtectedFormDecorator;
  }
  interface FastifyRequest {
    /** The verdict on a protected route's submission; `null` on routes that are not protected. */
    ctVerdict: Verdict | null;
  }
  interface FastifyContextConfig {
    /** Protects the route: `true` for the plugin's defaults, or a route configuration. */
    ctProtectedForm?: ProtectedRouteConfig | boolean;
  }
}

const plugin: FastifyPluginAsync<FastifyCtProtectedFormOptions> = async (fastify, options) => {
  const { parseForms, ...adapterOptions } = options;
  if (parseForms !== undefined && typeof parseForms !== 'boolean') {
    throw new OptionsError('parseForms', 'expected true or false');
  }
  const resolved = resolveAdapterOptions(adapterOptions, {
    onBlocked: '(request, reply, verdict)',
    proxyAdvice: "set Fastify's trustProxy option to your proxies' addresses",
    // Operational warnings go where the app's other logs go, unless a logger was given.
    logger: {
      warn: (message: string) => fastify.log.warn(message),
      error: (message: string) => fastify.log.error(message),
    },
  });
  const { verifier, defaults, onBlocked, warnProxy } = resolved;
  const stashed = new WeakMap<FastifyRequest, HiddenFields>();
  /** Protected routes seen (and validated) at registration, by method and URL: they have their own hooks. */
  const registered = new Set<string>();

  if (parseForms !== false) {
    for (const type of [URLENCODED, MULTIPART]) {
      if (fastify.hasContentTypeParser(type)) continue;
      fastify.addContentTypeParser(
        type,
        { parseAs: 'buffer' },
        async (request: FastifyRequest, body: Buffer) =>
          parseFormBody(body, request.headers['content-type'] ?? type),
      );
    }
  }

  function protect(route: ResolvedRouteConfig): preHandlerAsyncHookHandler {
    return async function ctProtectedForm(request, reply) {
      let verdict: Verdict;
      try {
        // Only a request that came through a proxy can reveal a misconfigured one: the others
        // skip reading the socket's address.
        const forwardedFor = request.headers['x-forwarded-for'];
        if (forwardedFor) warnProxy(request.ip, forwardedFor, request.ip !== request.socket.remoteAddress);
        verdict = await checkRequest(verifier, route, {
          ip: request.ip,
          headers: request.headers,
          body: request.body,
          hidden: stashed.get(request),
        });
      } catch (error) {
        if (error instanceof RequestError) return reply.code(error.statusCode).send(error);
        throw error;
      }
      request.ctVerdict = verdict;
      if (verdict.decision !== 'block') return;
      if (onBlocked) {
        const payload = await onBlocked(request, reply, verdict);
        if (reply.sent) return reply;
        // An onBlocked that neither sent nor returned anything must not leave the visitor waiting.
        if (payload !== undefined && payload !== reply) return reply.code(403).send(payload);
        if (payload === reply) return reply;
      }
      const answer = blockedResponse(verdict, request.headers.accept);
      return reply.code(answer.status).headers(answer.headers).send(answer.body);
    };
  }

  // Callback style: nothing here waits, and an async hook would cost a promise per request.
  function stashHiddenFields(request: FastifyRequest, _reply: FastifyReply, done: () => void): void {
    stashed.set(request, takeHiddenFields(request.body));
    done();
  }

  fastify.decorateRequest('ctVerdict', null);
  fastify.decorate('ctProtectedForm', {
    verifier,
    startTokens: resolved.startTokenRoute?.tokens ?? (adapterOptions.startTokens as StartTokens | undefined),
    preHandler: (config?: ProtectedRouteConfig) =>
      protect(resolveRouteConfig(config, defaults, 'preHandler')),
  } satisfies CtProtectedFormDecorator);

  fastify.addHook('onRoute', (route: RouteOptions) => {
    rejectMisspelledConfig(route);
    const config = route.config?.ctProtectedForm;
    if (config === undefined || config === false) return;
    const resolvedRoute = resolveRouteConfig(
      config,
      defaults,
      `config.ctProtectedForm of ${route.method} ${route.url}`,
    );
    registered.add(routeKey(route.method, route.url));
    // Before validation, so a body schema never sees (or strips) the hidden fields.
    route.preValidation = [...hooks(route.preValidation), stashHiddenFields];
    route.preHandler = [...hooks(route.preHandler), protect(resolvedRoute)];
  });

  /**
   * Routes declared before this plugin finished loading (`app.register()` without `await`, then
   * `app.post(…)`) never reach the onRoute hook above, but the app's hooks do reach them: this one
   * checks such routes, so a route configured for protection is never left unchecked. It runs
   * before validation (the hidden fields must be out of the body by then), so for these routes the
   * check comes before the route's own preValidation hooks.
   */
  let lateDefault: preHandlerAsyncHookHandler | undefined;
  const lateChecks = new WeakMap<object, preHandlerAsyncHookHandler>();
  /** Route configurations already looked at for a misspelled `ctProtectedForm` key. */
  const lateTypoChecked = new WeakSet<object>();
  /** What lateCheck found per route (`null`: nothing to check), so each request costs a lookup. */
  const lateFound = new WeakMap<object, preHandlerAsyncHookHandler | null>();
  const lateCheck = (request: FastifyRequest): preHandlerAsyncHookHandler | undefined => {
    const routeConfig = request.routeOptions.config as RouteContextConfig;
    let found = lateFound.get(routeConfig);
    if (found === undefined) {
      found = findLateCheck(routeConfig) ?? null;
      lateFound.set(routeConfig, found);
    }
    return found ?? undefined;
  };
  const findLateCheck = (routeConfig: RouteContextConfig): preHandlerAsyncHookHandler | undefined => {
    const { ctProtectedForm: config, method, url } = routeConfig;
    if (config === undefined || config === false || registered.has(routeKey(method, url))) {
      if (!lateTypoChecked.has(routeConfig)) {
        lateTypoChecked.add(routeConfig);
        rejectMisspelledConfig({ config: routeConfig, method, url });
      }
      return undefined;
    }
    const option = `config.ctProtectedForm of ${method} ${url}`;
    if (config === null || typeof config !== 'object') {
      lateDefault ??= protect(resolveRouteConfig(config as boolean, defaults, option));
      return lateDefault;
    }
    let check = lateChecks.get(config);
    if (!check) {
      check = protect(resolveRouteConfig(config as ProtectedRouteConfig, defaults, option));
      lateChecks.set(config, check);
    }
    return check;
  };
  // Callback style: on every route of the app, an async hook would cost a promise per request.
  fastify.addHook('preValidation', function checkLateRoute(request, reply, done) {
    let check: preHandlerAsyncHookHandler | undefined;
    try {
      check = lateCheck(request);
    } catch (error) {
      return done(error as Error);
    }
    if (!check) return done();
    stashed.set(request, takeHiddenFields(request.body));
    // As for an async hook: after an answer (a block, a 400), Fastify's chain sees reply.sent and stops.
    check.call(fastify, request, reply).then(() => done(), done);
  });

  const tokenRoute = resolved.startTokenRoute;
  if (tokenRoute) {
    fastify.get(tokenRoute.path, async (request, reply) => {
      const answer = await startTokenResponse(tokenRoute, {
        ip: request.ip,
        cookie: request.headers.cookie,
        secure: request.protocol === 'https',
      });
      return reply.code(answer.status).headers(answer.headers).send(answer.body);
    });
  }
};

/** What Fastify keeps in a route's `config`: the route's own entries plus its method and URL. */
interface RouteContextConfig {
  ctProtectedForm?: unknown;
  method: unknown;
  url: unknown;
}

function routeKey(method: unknown, url: unknown): string {
  return `${String(method)} ${String(url)}`;
}

/**
 * `config.ctProtectedFrom` or `config.ct_protected_form` would leave the route unprotected, silently;
 * the type checker only catches it in an object literal.
 */
function rejectMisspelledConfig(route: { config?: unknown; method: unknown; url: unknown }): void {
  for (const key of Object.keys((route.config as object | undefined) ?? {})) {
    if (key === 'ctProtectedForm') continue;
    const letters = key.toLowerCase().replace(/[^a-z]/g, '');
    if (letters.startsWith('ctprot') || letters === 'ctprotectedform' || letters === 'protectedform') {
      throw new OptionsError(
        `config.${key} of ${String(route.method)} ${String(route.url)}`,
        'unknown key (did you mean "ctProtectedForm"?): the route would not be protected',
      );
    }
  }
}

function hooks<T>(value: T | readonly T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...value] : [value as T];
}

/**
 * The Fastify plugin: protects routes that opt in with `config: { ctProtectedForm: … }` or
 * `preHandler: fastify.ctProtectedForm.preHandler(…)`, sets `request.ctVerdict`, removes the hidden
 * fields from the body, answers blocked submissions with 403, and serves start tokens.
 *
 * Register it before the routes it protects. The visitor IP is `request.ip`: set Fastify's
 * `trustProxy` to your proxies, never to `true` on a server reachable directly.
 *
 * @example
 * await app.register(ctProtectedForm, { authKey: process.env.CLEANTALK_AUTH_KEY ?? '' });
 * app.post('/contact', { config: { ctProtectedForm: { commentType: 'contact' } } }, async (request) => {
 *   if (request.ctVerdict?.decision === 'review') await holdForModeration(request.body);
 * });
 */
export const ctProtectedForm = fp(plugin, { fastify: '5.x', name: '@ct-protected-form/verifier' });
