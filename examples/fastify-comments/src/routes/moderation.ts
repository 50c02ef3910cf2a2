import type { FastifyInstance } from 'fastify';
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

/**
 * The moderation queue. A decision here also goes back to CleanTalk as feedback on its request
 * id (approve: it was fine, reject: it was spam), which tunes the filter for this site.
 *
 * A real site puts these routes behind its administrators' login.
 */
export function moderationRoutes(app: FastifyInstance, context: AppContext): void {
  const { store, site } = context;

  app.get<{ Querystring: { done?: unknown } }>('/moderation', async (request, reply) => {
    // Own keys only: `?done=__proto__` or `?done=constructor` is no outcome.
    const { done } = request.query;
    const flash = typeof done === 'string' && Object.hasOwn(FLASHES, done) ? FLASHES[done] : undefined;
    return reply
      .type('text/html')
      .send(moderationPage(site, { comments: store.pendingComments(), users: store.pendingUsers(), flash }));
  });

  app.post<{ Params: { kind: string; id: string } }>('/moderation/:kind/:id', async (request, reply) => {
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
  });
}
