import { buildBotRequest, readBotAnswer } from './check-bot.js';
import { fitsAsIs, fitText } from './message-size.js';
import { type BuildContext, buildCheckRequest, type CheckMethod, type CheckRequest } from './request.js';
import type { Submission } from './submission.js';
import type { Verdict } from './verdict.js';

/** What differs between CleanTalk's check methods; the rest of a check is the same for all. */
export interface CheckKind {
  /**
   * The request to send. A promise only when a text had to be shortened first, so the usual check
   * stays synchronous up to the call.
   */
  request(submission: Submission, context: BuildContext): object | Promise<object>;
  /** Adds to a verdict what this method's answer carries beyond a decision. */
  read?(verdict: Verdict, answer: unknown): void;
}

/** `check_message` compresses an oversized text, `check_newuser` cuts it (see message-size.ts). */
function textCheck(compress: boolean): CheckKind {
  return {
    request(submission, context) {
      const request = buildCheckRequest(submission, context);
      return fitsAsIs(request.message ?? '') && fitsAsIs(request.example ?? '')
        ? request
        : fitTexts(request, compress);
    },
  };
}

async function fitTexts(request: CheckRequest, compress: boolean): Promise<CheckRequest> {
  if (request.message !== undefined && !fitsAsIs(request.message)) {
    request.message = await fitText(request.message, compress);
  }
  if (request.example !== undefined && !fitsAsIs(request.example)) {
    request.example = await fitText(request.example, compress);
  }
  return request;
}

export const CHECK_KINDS: Record<CheckMethod | 'check_bot', CheckKind> = {
  check_message: textCheck(true),
  check_newuser: textCheck(false),
  check_bot: {
    request: buildBotRequest,
    read: (verdict, answer) => Object.assign(verdict, readBotAnswer(answer)),
  },
};
