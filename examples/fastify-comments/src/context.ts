import type { Verdict, Verifier } from '@ct-protected-form/verifier';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from './db.js';
import type { Protection } from './views/forms.js';
import type { Site } from './views/layout.js';

/** What the routes share. */
export interface AppContext {
  store: Store;
  verifier: Verifier;
  site: Site;
  protection: Protection;
  /** Link request ids to CleanTalk's dashboard (only meaningful with a real key). */
  dashboardLinks: boolean;
  /**
   * Tells CleanTalk whether the submission it checked under `requestId` was spam. Resolves to
   * whether CleanTalk received it; never rejects.
   */
  sendFeedback(requestId: string, spam: boolean): Promise<boolean>;
  /**
   * Pages for submissions the plugin blocked, by route URL: each protected route registers how its
   * form comes back (the plugin's `onBlocked` calls it).
   */
  blockedPages: Map<string, BlockedPage>;
}

/** Answers a blocked submission of one route. The body no longer holds the hidden fields. */
export type BlockedPage = (request: FastifyRequest, reply: FastifyReply, verdict: Verdict) => unknown;
