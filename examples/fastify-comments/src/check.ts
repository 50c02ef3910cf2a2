import type { RelevanceContext, Verdict } from '@ct-protected-form/verifier';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from './context.js';

export interface CheckInput {
  /** Which form: `comment` or `signup` (for the log). */
  form: string;
  method: 'check_message' | 'check_newuser';
  name: string;
  email: string;
  message?: string;
  relevance?: RelevanceContext;
}

/**
 * Asks CleanTalk about one submission and writes the verdict to the log. The request's body holds
 * the widget's hidden fields; its headers and IP (Fastify's `request.ip`, which honours the app's
 * `trustProxy` setting) go along.
 */
export async function check(
  context: AppContext,
  request: FastifyRequest,
  input: CheckInput,
): Promise<Verdict> {
  const submission = {
    ip: request.ip,
    email: input.email,
    nickname: input.name,
    message: input.message,
    headers: request.headers,
    form: request.body as Record<string, unknown>,
    ...(input.relevance ? { relevance: input.relevance } : {}),
  };
  const verdict =
    input.method === 'check_newuser'
      ? await context.verifier.checkNewUser(submission)
      : await context.verifier.checkMessage(submission);
  context.store.log({
    form: input.form,
    decision: verdict.decision,
    verified: verdict.verified,
    codes: verdict.codes.join(' '),
    reason: verdict.reason || (verdict.error ? verdict.error.message : ''),
    requestId: verdict.requestId ?? null,
    email: input.email,
    ip: request.ip,
  });
  return verdict;
}
