import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { logPage } from '../views/log.js';
import type { AdminRouteOptions } from './moderation.js';

/** The log of checks: every visitor's address and IP, so the admin area registers it behind the login. */
export function logRoutes(app: FastifyInstance, context: AppContext, options: AdminRouteOptions): void {
  app.get('/log', options.page, async (request, reply) =>
    reply
      .type('text/html')
      .send(
        logPage(
          context.site,
          context.store.recentLog(100),
          context.dashboardLinks,
          options.adminNav(request, reply),
        ),
      ),
  );
}
