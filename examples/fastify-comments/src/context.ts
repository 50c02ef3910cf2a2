import type { Verifier } from '@ct-protected-form/verifier';
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
}
