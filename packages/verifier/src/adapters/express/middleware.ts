import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Verdict } from '../../check/verdict.js';
import type { StartTokens } from '../../start-tokens/start-tokens.js';
import type { Verifier } from '../../verifier.js';
import {
  type AdapterOptions,
  blockedResponse,
  checkRequest,
  isFormMediaType,
  mediaType,
  type PlainResponse,
  type ProtectedRouteConfig,
  parseFormBody,
  RequestError,
  resolveAdapterOptions,
  resolveRouteConfig,
  startTokenResponse,
} from '../shared/index.js';
import { hasBody, readBody } from './read-body.js';

/** Options of {@link ctProtectedForm}: the verifier's options plus the adapter's. */
export interface ExpressCtProtectedFormOptions extends AdapterOptions {
  /**
   * Answers a blocked submission instead of the default 403 (HTML or JSON by `Accept`, with the
   * verdict's display-safe reason). Like any Express middleware it must answer (`res.send`,
   * `res.render`) or call `next`. `review` and `allow` never come here: they reach the next handler
   * with `req.ctVerdict`.
   */
  onBlocked?: (req: Request, res: Response, verdict: Verdict, next: NextFunction) => unknown;
  /**
   * The largest urlencoded or multipart body the middleware reads itself, in bytes (when no body
   * parser ran before it). A larger one is refused with 413.
   * @default 1048576
   */
  bodyLimit?: number;
}

/** What {@link ctProtectedForm} returns: call it per route for a middleware. */
export interface ExpressProtector {
  /** A middleware checking the route's submission, configured by `config` on top of `defaults`. */
  (config?: ProtectedRouteConfig): RequestHandler;
  /** The verifier in use, for checks of your own. */
  readonly verifier: Verifier;
  /** The start tokens, when configured: e.g. `await protect.startTokens.issue()` for server-rendered pages. */
  readonly startTokens: StartTokens | undefined;
  /**
   * A middleware answering `GET` at `startTokenPath` with a fresh start token; passes every other
   * request on. Passes everything on when no start tokens are configured. `app.use(protect.startTokenRoute)`.
   */
  readonly startTokenRoute: RequestHandler;
}

declare global {
  namespace Express {
    interface Request {
      /** The verdict on a protected route's submission (`@ct-protected-form/verifier/express`). */
      ctVerdict?: Verdict;
    }
  }
}

/**
 * Creates the Express middleware factory. Options are validated here, once.
 *
 * The visitor IP is `req.ip`: set Express's `trust proxy` to your proxies, never to `true` on a
 * server reachable directly.
 *
 * @example
 * const protect = ctProtectedForm({ authKey: process.env.CLEANTALK_AUTH_KEY ?? '' });
 * app.post('/contact', protect({ commentType: 'contact' }), (req, res) => {
 *   if (req.ctVerdict?.decision === 'review') holdForModeration(req.body);
 * });
 */
export function ctProtectedForm(options: ExpressCtProtectedFormOptions): ExpressProtector {
  const resolved = resolveAdapterOptions(options, {
    onBlocked: '(req, res, verdict, next)',
    proxyAdvice: "set Express's 'trust proxy' to your proxies' addresses",
  });
  const { verifier, defaults, onBlocked, bodyLimit, warnProxy } = resolved;

  const protect = (config?: ProtectedRouteConfig): RequestHandler => {
    const route = resolveRouteConfig(config, defaults, 'config');
    return async function ctProtectedFormMiddleware(req, res, next) {
      try {
        if (req.body === undefined && hasBody(req)) {
          const contentType = req.headers['content-type'] ?? '';
          if (!isFormMediaType(contentType)) {
            throw new RequestError(
              'CT_UNSUPPORTED_MEDIA_TYPE',
              415,
              `Unsupported Content-Type ${JSON.stringify(mediaType(contentType).slice(0, 100))}; send a form, or parse the body before this middleware.`,
            );
          }
          req.body = await parseFormBody(await readBody(req, bodyLimit), contentType);
        }
        warnProxy(req.ip, req.headers['x-forwarded-for'], req.ip !== req.socket.remoteAddress);
        const verdict = await checkRequest(verifier, route, {
          ip: req.ip,
          headers: req.headers,
          body: req.body,
        });
        req.ctVerdict = verdict;
        if (verdict.decision !== 'block') return next();
        if (onBlocked) return await onBlocked(req, res, verdict, next);
        send(res, blockedResponse(verdict, req.headers.accept));
      } catch (error) {
        next(error);
      }
    };
  };

  const tokenRoute = resolved.startTokenRoute;
  const startTokenRoute: RequestHandler = async (req, res, next) => {
    if (!tokenRoute || req.path !== tokenRoute.path || (req.method !== 'GET' && req.method !== 'HEAD'))
      return next();
    try {
      send(
        res,
        await startTokenResponse(tokenRoute, { ip: req.ip, cookie: req.headers.cookie, secure: req.secure }),
      );
    } catch (error) {
      next(error);
    }
  };

  return Object.assign(protect, {
    verifier,
    startTokens: tokenRoute?.tokens ?? (options.startTokens as StartTokens | undefined),
    startTokenRoute,
  });
}

function send(res: Response, answer: PlainResponse): void {
  res.status(answer.status).set(answer.headers).send(answer.body);
}
