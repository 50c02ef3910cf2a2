import type { Verdict } from '@ct-protected-form/verifier';
import type { FastifyRequest } from 'fastify';
import type { Store } from './db.js';

/** Writes a verdict to the log page's table, like CleanTalk's "log of spam attacks". */
export function logVerdict(
  store: Store,
  request: FastifyRequest,
  entry: { form: 'comment' | 'signup'; email: string; verdict: Verdict },
): void {
  const { verdict } = entry;
  store.log({
    form: entry.form,
    decision: verdict.decision,
    verified: verdict.verified,
    codes: verdict.codes.join(' '),
    // A honeypot hit is decided here without asking CleanTalk: say so. When CleanTalk could not be
    // asked, say why (e.g. "answered HTTP 503"); never includes the key. A start token that was
    // missing or refused (replayed, early, foreign…) is named too.
    reason: [
      verdict.basis === 'honeypot'
        ? `Honeypot: the hidden trap field was filled in; decided here, CleanTalk was not asked. ${verdict.reason}`
        : verdict.reason || verdict.error?.message || '',
      verdict.startTime.problem ? `start token: ${verdict.startTime.problem}` : '',
    ]
      .filter(Boolean)
      .join(' · '),
    requestId: verdict.requestId ?? null,
    email: entry.email,
    ip: request.ip,
  });
}
