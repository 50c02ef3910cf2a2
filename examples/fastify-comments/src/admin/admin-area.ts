import fastifyCookie from '@fastify/cookie';
import fastifyCsrfProtection from '@fastify/csrf-protection';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySession from '@fastify/session';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { readFields } from '../form.js';
import { logRoutes } from '../routes/log.js';
import { moderationRoutes } from '../routes/moderation.js';
import { notice } from '../views/forms.js';
import { deniedPage, loginPage } from '../views/login.js';
import { type AdminCredentials, checkLogin } from './credentials.js';
import { SESSION_MAX_AGE_MS, sqliteSessionStore } from './session-store.js';

declare module 'fastify' {
  interface Session {
    /** The logged-in administrator's user name; absent for everyone else. */
    admin?: string;
    /** @fastify/csrf-protection's secret for this session. */
    _csrf?: string;
  }
}

export interface AdminAreaOptions {
  context: AppContext;
  credentials: AdminCredentials;
  /** Signs the session cookie: at least 32 characters. */
  sessionSecret: string;
}

/** The pages behind the login; `?next=` may only name one of them (no open redirect). */
export const ADMIN_PAGES = ['/moderation', '/log'] as const;

/**
 * Login attempts (`POST /login`) allowed per client address, counted separately from opening the
 * form: ten per five minutes, enough for a typo or two, too few to guess a password.
 */
export const LOGIN_ATTEMPTS = { max: 10, timeWindow: '5 minutes' } as const;
/** Opening the login form (which starts a session, stored in the database) is bounded too. */
const LOGIN_FORMS = { max: 60, timeWindow: '1 minute' } as const;

/**
 * The admin area: `/login`, `/logout`, the moderation queue and the log of checks. Registered as an
 * encapsulated plugin, so the session, CSRF and rate-limit hooks run on these routes only; the
 * visitors' pages set no cookie.
 *
 * - Sessions: @fastify/session with the session id in a signed cookie (`HttpOnly`, `SameSite=Lax`,
 *   `Secure` when the request came over HTTPS, as `request.protocol` tells with `trustProxy`),
 *   stored in SQLite. Logging in starts a new session (no fixation); logging out deletes it.
 * - CSRF: @fastify/csrf-protection, its secret in the session, the token in a hidden `_csrf` field
 *   of every form that changes something (log in, log out, approve, reject).
 * - Login attempts: @fastify/rate-limit, by `request.ip`.
 */
export async function adminArea(app: FastifyInstance, options: AdminAreaOptions): Promise<void> {
  const { context, credentials } = options;
  const { site } = context;

  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    secret: options.sessionSecret,
    cookieName: 'admin_session',
    cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: SESSION_MAX_AGE_MS },
    saveUninitialized: false,
    store: sqliteSessionStore(context.store),
  });
  await app.register(fastifyCsrfProtection, { sessionPlugin: '@fastify/session' });
  await app.register(fastifyRateLimit, { global: false });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') {
      request.log.warn({ url: request.url }, 'admin form without a valid CSRF token refused');
      return reply
        .code(403)
        .type('text/html')
        .send(
          deniedPage(
            site,
            'Not done',
            'This form was not sent from a page of this site, or it expired: open the page again and repeat.',
          ),
        );
    }
    if (error.statusCode === 429) {
      return reply
        .code(429)
        .type('text/html')
        .send(deniedPage(site, 'Too many attempts', `Too many login attempts: ${error.message}`));
    }
    throw error; // everything else is answered as on the rest of the site
  });

  /** The routes of the admin area answer administrators only. */
  async function requireAdmin(request: FastifyRequest, reply: FastifyReply) {
    if (request.session.get('admin') !== undefined) return;
    if (request.method === 'GET' || request.method === 'HEAD') {
      const next = ADMIN_PAGES.find((path) => path === request.routeOptions.url) ?? ADMIN_PAGES[0];
      return reply.redirect(`/login?next=${encodeURIComponent(next)}`, 303);
    }
    return reply
      .code(401)
      .type('text/html')
      .send(deniedPage(site, 'Log in first', 'Only a logged-in administrator can do this.'));
  }

  /** What an admin page puts in the navigation: the user and the log-out form's token. */
  const adminNav = (request: FastifyRequest, reply: FastifyReply) => ({
    user: request.session.get('admin') ?? '',
    csrfToken: reply.generateCsrf(),
  });

  app.get<{ Querystring: { next?: unknown } }>(
    '/login',
    { config: { rateLimit: LOGIN_FORMS } },
    async (request, reply) => {
      const next = adminPage(request.query.next);
      if (request.session.get('admin') !== undefined) return reply.redirect(next, 303);
      return reply.type('text/html').send(loginPage(site, { csrfToken: reply.generateCsrf(), next }));
    },
  );

  app.post(
    '/login',
    { config: { rateLimit: LOGIN_ATTEMPTS }, preHandler: app.csrfProtection },
    async (request, reply) => {
      const { user, next } = readFields(request.body, ['user', 'next']);
      const password = rawField(request.body, 'password');
      if (await checkLogin(credentials, user, password)) {
        // A new session id on login: a session id planted before cannot be carried into the admin area.
        await request.session.regenerate();
        request.session.set('admin', credentials.user);
        request.log.info({ user: credentials.user }, 'administrator logged in');
        return reply.redirect(adminPage(next), 303);
      }
      request.log.warn({ ip: request.ip }, 'failed administrator login');
      return reply
        .code(401)
        .type('text/html')
        .send(
          loginPage(site, {
            csrfToken: reply.generateCsrf(),
            next: adminPage(next),
            user,
            formNotice: notice('error', 'Wrong user name or password.'),
          }),
        );
    },
  );

  app.post('/logout', { preHandler: app.csrfProtection }, async (request, reply) => {
    await request.session.destroy();
    return reply.redirect('/', 303);
  });

  moderationRoutes(app, context, {
    page: { preHandler: requireAdmin },
    action: { preHandler: [requireAdmin, app.csrfProtection] },
    adminNav,
  });
  logRoutes(app, context, { page: { preHandler: requireAdmin }, adminNav });
}

/** `next` when it names an admin page, else the moderation queue: never another site. */
function adminPage(next: unknown): string {
  return ADMIN_PAGES.find((path) => path === next) ?? ADMIN_PAGES[0];
}

/** A field as sent, untrimmed (a password may start or end with a space); `''` when absent. */
function rawField(body: unknown, name: string): string {
  const source = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const value = Object.hasOwn(source, name) ? source[name] : undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}
