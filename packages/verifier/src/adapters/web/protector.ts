import type { Verdict } from '../../check/verdict.js';
import { OptionsError, SubmissionError } from '../../errors.js';
import { describe } from '../../options.js';
import type { StartTokens } from '../../start-tokens/start-tokens.js';
import type { Verifier } from '../../verifier.js';
import {
  type AdapterOptions,
  blockedResponse,
  checkRequest,
  type PlainResponse,
  type ProtectedRouteConfig,
  RequestError,
  type ResolvedRouteConfig,
  resolveAdapterOptions,
  resolveRouteConfig,
  startTokenResponse,
} from '../shared/index.js';
import { parseRequest } from './parse-request.js';

/** Options of {@link createRequestProtector}: the verifier's options plus the adapter's. */
export interface RequestProtectorOptions extends AdapterOptions {
  /**
   * Finds the client IP of a request when a call does not pass `{ ip }`. A `Request` does not carry
   * it: take it from your runtime (Bun `server.requestIP(request)`, Deno `info.remoteAddr`, Hono
   * `getConnInfo(c)`), or from a header only your own proxy sets (Cloudflare `CF-Connecting-IP`).
   * Returning nothing answers the request 400 unchecked and logs a warning once.
   */
  getIp?: (request: Request) => string | null | undefined;
  /**
   * The largest body read, in bytes. A larger one is answered with 413.
   * @default 1048576
   */
  bodyLimit?: number;
  /**
   * Builds the answer to a blocked submission instead of the default 403 (HTML or JSON by
   * `Accept`, with the verdict's display-safe reason).
   */
  onBlocked?: (request: Request, verdict: Verdict) => Response | Promise<Response>;
}

/** Per call: the client IP and the route configuration, on top of `defaults`. */
export interface ProtectCallOptions extends ProtectedRouteConfig {
  /** The client IP, as your runtime or trusted proxy gives it. Overrides `getIp`. */
  ip?: string;
}

/**
 * What a protected request yields. `response` is set exactly when the request is finished here
 * (blocked, or unreadable): `if (response) return response;` and after it `verdict` and `fields`
 * are there.
 */
export type ProtectResult =
  | {
      /** `allow` or `review`: go on with the submission. */
      verdict: Verdict;
      /** The submitted fields without the hidden ones: a form (repeated fields as arrays, uploads as `File`) or a JSON object. */
      fields: Record<string, unknown>;
      response: undefined;
    }
  | {
      /** `block`. */
      verdict: Verdict;
      fields: Record<string, unknown>;
      /** The ready 403 answer (or what `onBlocked` built). */
      response: Response;
    }
  | {
      /** The request could not be read (malformed, oversized, unsupported body, or a bad client IP): no check was made. */
      verdict: null;
      fields: null;
      /** The 400, 413 or 415 answer. */
      response: Response;
    };

/** Checks `Request`s. Returned by {@link createRequestProtector}. */
export interface RequestProtector {
  (request: Request, options?: ProtectCallOptions): Promise<ProtectResult>;
  /** The verifier in use, for checks of your own. */
  readonly verifier: Verifier;
  /** The start tokens, when configured: e.g. `await protect.startTokens.issue()` for server-rendered pages. */
  readonly startTokens: StartTokens | undefined;
  /**
   * A `200 {"token":"…"}` answer with a fresh start token and `Cache-Control: no-store`: a whole
   * route handler, e.g. `export const GET = (request) => protect.startTokenResponse(request)`. With
   * the request, the token is bound to the session cookie (set when missing) and the client address
   * (`ip`, else `getIp`) is rate-limited (`429` with `Retry-After`); without it, neither applies.
   * Throws when no start tokens that can issue are configured.
   */
  startTokenResponse(request?: Request, options?: { ip?: string }): Promise<Response>;
  /**
   * Answers `GET` at `startTokenPath` with a fresh token; `undefined` for any other request, so it
   * can sit in front of a router.
   */
  handleStartToken(request: Request, options?: { ip?: string }): Promise<Response | undefined>;
}

/**
 * Creates a checker for Web-standard `Request`s: Next.js route handlers, Hono, Bun, Deno, Workers.
 * Uses Web APIs only.
 *
 * @example
 * const protect = createRequestProtector({ authKey: process.env.CLEANTALK_AUTH_KEY ?? '' });
 * export async function POST(request: Request) {
 *   const { verdict, fields, response } = await protect(request, { ip: clientIp(request), commentType: 'contact' });
 *   if (response) return response;
 *   await save(fields, verdict.decision === 'review');
 *   return Response.json({ ok: true });
 * }
 */
export function createRequestProtector(options: RequestProtectorOptions): RequestProtector {
  if (options === null || typeof options !== 'object') {
    throw new OptionsError('options', `expected an object, got ${describe(options)}`);
  }
  const { getIp, ...adapterOptions } = options;
  if (getIp !== undefined && typeof getIp !== 'function') {
    throw new OptionsError('getIp', 'expected a function (request) => string');
  }
  const resolved = resolveAdapterOptions(adapterOptions, {
    onBlocked: '(request, verdict) => Response',
    proxyAdvice: 'make getIp read the header your own proxy sets (e.g. X-Real-IP), or pass { ip }',
  });
  const { verifier, defaults, onBlocked, bodyLimit, logger, warnProxy } = resolved;
  let warnedNoIp = false;
  const warnNoIp = () => {
    if (warnedNoIp) return;
    warnedNoIp = true;
    logger.warn(
      '[ct-protected-form] getIp returned no client address: such requests are answered 400 unchecked. Make getIp read the header your proxy sets, or pass { ip }. (warned once)',
    );
  };
  const routes = new WeakMap<ProtectCallOptions, ResolvedRouteConfig>();

  function routeFor(call: ProtectCallOptions | undefined): ResolvedRouteConfig {
    if (!call) return defaults;
    let route = routes.get(call);
    if (!route) {
      const { ip: _ip, ...config } = call;
      route = resolveRouteConfig(config, defaults, 'options');
      routes.set(call, route);
    }
    return route;
  }

  async function protect(request: Request, call?: ProtectCallOptions): Promise<ProtectResult> {
    const route = routeFor(call);
    if (call?.ip === undefined && !getIp) {
      throw new SubmissionError(
        'ip',
        'pass { ip } or set the getIp option: a Request does not carry the client address',
      );
    }
    const ip = call?.ip ?? getIp?.(request);
    if (ip === undefined || ip === null || ip === '') {
      // A proxy that did not set the header getIp reads, or a dev server without one: the request
      // cannot be checked, and that is the request's problem (400), not a crash (500).
      warnNoIp();
      return {
        verdict: null,
        fields: null,
        response: errorResponse(
          new RequestError(
            'CT_NO_CLIENT_IP',
            400,
            'The client address of this request could not be determined (getIp returned nothing).',
          ),
        ),
      };
    }
    warnProxy(ip, request.headers.get('x-forwarded-for'), false);
    let fields: Record<string, unknown>;
    let verdict: Verdict;
    try {
      fields = await parseRequest(request, bodyLimit);
      verdict = await checkRequest(verifier, route, { ip, headers: request.headers, body: fields });
    } catch (error) {
      if (error instanceof RequestError)
        return { verdict: null, fields: null, response: errorResponse(error) };
      throw error;
    }
    if (verdict.decision !== 'block') return { verdict, fields, response: undefined };
    const custom = onBlocked ? await onBlocked(request, verdict) : undefined;
    // Anything but a Response from onBlocked falls back to the default 403, never to no answer.
    const response =
      custom instanceof Response
        ? custom
        : toResponse(blockedResponse(verdict, request.headers.get('accept') ?? undefined));
    return { verdict, fields, response };
  }

  const tokenRoute = resolved.startTokenRoute;
  async function startTokenAnswer(request?: Request, call?: { ip?: string }): Promise<Response> {
    if (!tokenRoute) {
      throw new OptionsError(
        'startTokens',
        'no start tokens that can issue are configured (or startTokenPath is false)',
      );
    }
    if (!request)
      return toResponse(
        await startTokenResponse({ ...tokenRoute, cookie: false, limiter: undefined }, noRequest),
      );
    const ip = call?.ip ?? getIp?.(request) ?? undefined;
    return toResponse(
      await startTokenResponse(tokenRoute, {
        ip: typeof ip === 'string' ? ip : undefined,
        cookie: request.headers.get('cookie') ?? undefined,
        secure: request.url.startsWith('https:'),
      }),
    );
  }

  return Object.assign(protect, {
    verifier,
    startTokens: tokenRoute?.tokens ?? (adapterOptions.startTokens as StartTokens | undefined),
    startTokenResponse: startTokenAnswer,
    async handleStartToken(request: Request, call?: { ip?: string }): Promise<Response | undefined> {
      if (!tokenRoute || request.method !== 'GET') return undefined;
      if (new URL(request.url).pathname !== tokenRoute.path) return undefined;
      return startTokenAnswer(request, call);
    },
  });
}

const noRequest = { ip: undefined, cookie: undefined, secure: false };

function toResponse(answer: PlainResponse): Response {
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}

function errorResponse(error: RequestError): Response {
  return Response.json(
    {
      statusCode: error.statusCode,
      code: error.code,
      error: STATUS_TEXT[error.statusCode],
      message: error.message,
    },
    { status: error.statusCode, headers: { 'cache-control': 'no-store' } },
  );
}

const STATUS_TEXT = { 400: 'Bad Request', 413: 'Content Too Large', 415: 'Unsupported Media Type' } as const;
