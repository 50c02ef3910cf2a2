import type { SessionStore } from '@fastify/session';
import type { Store } from '../db.js';

/** How long an administrator's session lasts without a request: 2 hours. */
export const SESSION_MAX_AGE_MS = 2 * 60 * 60 * 1000;

/**
 * Keeps @fastify/session's sessions in the site's SQLite database, instead of its memory store
 * (which grows without bound and forgets everyone at each restart). Logging out deletes the row,
 * so a copied cookie stops working at once, unlike a stateless cookie session.
 */
export function sqliteSessionStore(store: Store, now: () => number = Date.now): SessionStore {
  return {
    set(sessionId, session, callback) {
      try {
        const expires = session.cookie?.expires;
        const expiresAt = expires ? new Date(expires).getTime() : now() + SESSION_MAX_AGE_MS;
        store.saveSession(sessionId, JSON.stringify(session), expiresAt);
        callback();
      } catch (error) {
        callback(error);
      }
    },
    get(sessionId, callback) {
      try {
        const data = store.session(sessionId);
        callback(null, data === undefined ? null : JSON.parse(data));
      } catch (error) {
        callback(error);
      }
    },
    destroy(sessionId, callback) {
      try {
        store.deleteSession(sessionId);
        callback();
      } catch (error) {
        callback(error);
      }
    },
  };
}
