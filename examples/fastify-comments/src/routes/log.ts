import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { logPage } from '../views/log.js';

export function logRoutes(app: FastifyInstance, context: AppContext): void {
  app.get('/log', async (_request, reply) =>
    reply.type('text/html').send(logPage(context.site, context.store.recentLog(100), context.dashboardLinks)),
  );
}
