import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import type { AppContext } from '../context.js';
import { readFields } from '../form.js';
import { moderationPage } from '../views/moderation.js';

type Flash = { kind: 'ok' | 'warning'; text: string };

const FLASHES: Record<string, Flash> = {
  approved: { kind: 'ok', text: 'Approved. CleanTalk was told it was not spam.' },
  rejected: { kind: 'ok', text: 'Rejected. CleanTalk was told it was spam.' },
  'approved-unsent': { kind: 'warning', text: 'Approved, but CleanTalk could not be told: try again later.' },
  'rejected-unsent': { kind: 'warning', text: 'Rejected, but CleanTalk could not be told: try again later.' },
  'approved-unchecked': {
    kind: 'ok',
    text: 'Approved. It was never checked by CleanTalk, so there was nothing to report.',
  },
  'rejected-unchecked': {
    kind: 'ok',
    text: 'Rejected. It was never checked by CleanTalk, so there was nothing to report.',
  },
  gone: { kind: 'warning', text: 'That entry is no longer waiting for moderation.' },
};

/** How the admin area guards these routes and fills in the navigation. */
export interface AdminRouteOptions {
  /** Options of the page (`GET`): its login check. */
  page: RouteShorthandOptions;
  /** Options of the actions (`POST`): the login check, then the CSRF token's. */
  action?: RouteShorthandOptions;
  /** The logged-in administrator and a CSRF token for the page's forms. */
  adminNav(request: FastifyRequest, reply: FastifyReply): { user: string; csrfToken: string };
}

/**
 * The moderation queue. A decision here also goes back to CleanTalk as feedback on its request
 * id (approve: it was fine, reject: it was spam), which tunes the filter for this site.
 *
 * Registered by the admin area (`src/admin/admin-area.ts`), which puts these routes behind the
 * login and checks the CSRF token of every action.
 */
export function moderationRoutes(
  app: FastifyInstance,
  context: AppContext,
  options: AdminRouteOptions,
): void {
  const { store, site } = context;

  app.get<{ Querystring: { done?: unknown } }>('/moderation', options.page, async (request, reply) => {
    // Own keys only: `?done=__proto__` or `?done=constructor` is no outcome.
    const { done } = request.query;
    const flash = typeof done === 'string' && Object.hasOwn(FLASHES, done) ? FLASHES[done] : undefined;
    return reply.type('text/html').send(
      moderationPage(site, {
        comments: store.pendingComments(),
        users: store.pendingUsers(),
        flash,
        admin: options.adminNav(request, reply),
      }),
    );
  });

  app.post<{ Params: { kind: string; id: string } }>(
    '/moderation/:kind/:id',
    options.action ?? options.page,
    async (request, reply) => {
      const { kind } = request.params;
      // Only the id as the queue writes it: `0x1f`, ` 31`, `31.0` or `3.1e1` name no entry.
      const id = /^[1-9]\d{0,15}$/.test(request.params.id) ? Number(request.params.id) : Number.NaN;
      const { action } = readFields(request.body, ['action']);
      if ((kind !== 'comments' && kind !== 'users') || !Number.isSafeInteger(id)) return reply.callNotFound();
      if (action !== 'approve' && action !== 'reject') return reply.code(400).send('Unknown action.');

      const status = action === 'approve' ? 'approved' : 'rejected';
      const entry = kind === 'comments' ? store.moderateComment(id, status) : store.moderateUser(id, status);
      if (!entry) return reply.redirect('/moderation?done=gone', 303);

      let outcome: string = status;
      if (!entry.requestId) outcome = `${status}-unchecked`;
      else if (!(await context.sendFeedback(entry.requestId, status === 'rejected')))
        outcome = `${status}-unsent`;
      return reply.redirect(`/moderation?done=${outcome}`, 303);
    },
  );
}
