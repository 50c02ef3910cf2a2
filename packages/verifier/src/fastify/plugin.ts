import type {
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  preHandlerAsyncHookHandler,
  RouteOptions,
} from 'fastify';
import fp from 'fastify-plugin';
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
} from '../adapter/index.js';
import { OptionsError } from '../errors.js';
import type { StartTokens } from '../start-tokens/start-tokens.js';
import type { Verdict } from '../verdict.js';
import type { Verifier } from '../verifier.js';

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
  const { onBlocked, parseForms, ...adapterOptions } = options;
  if (onBlocked !== undefined && typeof onBlocked !== 'function') {
    throw new OptionsError('onBlocked', 'expected a function (request, reply, verdict)');
  }
  if (parseForms !== undefined && typeof parseForms !== 'boolean') {
    throw new OptionsError('parseForms', 'expected true or false');
  }
  const resolved = resolveAdapterOptions(adapterOptions);
  const { verifier, defaults } = resolved;
  const stashed = new WeakMap<FastifyRequest, HiddenFields>();

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

  async function stashHiddenFields(request: FastifyRequest): Promise<void> {
    stashed.set(request, takeHiddenFields(request.body));
  }

  fastify.decorateRequest('ctVerdict', null);
  fastify.decorate('ctProtectedForm', {
    verifier,
    startTokens: resolved.startTokenRoute?.tokens ?? (adapterOptions.startTokens as StartTokens | undefined),
    preHandler: (config?: ProtectedRouteConfig) =>
      protect(resolveRouteConfig(config, defaults, 'preHandler')),
  } satisfies CtProtectedFormDecorator);

  fastify.addHook('onRoute', (route: RouteOptions) => {
    const config = route.config?.ctProtectedForm;
    if (config === undefined || config === false) return;
    const resolvedRoute = resolveRouteConfig(
      config,
      defaults,
      `config.ctProtectedForm of ${route.method} ${route.url}`,
    );
    // Before validation, so a body schema never sees (or strips) the hidden fields.
    route.preValidation = [...hooks(route.preValidation), stashHiddenFields];
    route.preHandler = [...hooks(route.preHandler), protect(resolvedRoute)];
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
 * await app.register(ctProtectedForm, { authKey: process.env.CLEANTALK_AUTH_KEY! });
 * app.post('/contact', { config: { ctProtectedForm: { commentType: 'contact' } } }, async (request) => {
 *   if (request.ctVerdict?.decision === 'review') await holdForModeration(request.body);
 * });
 */
export const ctProtectedForm = fp(plugin, { fastify: '5.x', name: '@ct-protected-form/verifier' });
