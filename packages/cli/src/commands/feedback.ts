import type { FeedbackItem } from '@ct-protected-form/verifier';
import { connect } from '../connection.js';
import type { Command } from '../context.js';
import { explainFailure } from '../failure.js';
import { readSource } from '../input.js';
import { CONNECTION_OPTIONS, choiceOption, parseCommand } from '../options.js';
import { EXIT, UsageError } from '../usage-error.js';
import { CONNECTION_HELP } from './common-help.js';

const VERDICTS: Record<string, boolean> = { spam: true, ok: false, 'not-spam': false, ham: false };
const ITEM = /^([0-9a-f]{32})\s*[,;:\t ]\s*([a-z-]+)$/i;

/** Reads `ID:spam`, `ID,ok`, `ID spam`… or says what is wrong with it. */
export function parseFeedbackItem(text: string): FeedbackItem | string {
  const match = ITEM.exec(text.trim());
  if (!match?.[1] || !match[2]) return 'expected "<32-hex request id>:spam" or "<id>:ok"';
  const spam = VERDICTS[match[2].toLowerCase()];
  if (spam === undefined) return `unknown verdict ${JSON.stringify(match[2])}: use spam or ok`;
  return { requestId: match[1].toLowerCase(), spam };
}

export const feedbackCommand: Command = {
  name: 'feedback',
  summary: 'tell CleanTalk which of its decisions were right or wrong',
  help: `Usage: ct-protected-form feedback [ID:VERDICT ...] [--file FILE] [options]

Reports CleanTalk's decisions back to it (send_feedback), so it learns from the site's
moderation. VERDICT is "spam" (it was spam) or "ok" (it was fine); ID is the verdict's request id
(32 hex characters, verdict.requestId). Items come from the arguments and/or a file with one
item a line ("ID,spam", "ID spam" or "ID:spam"; a header line and # comments are skipped).

  --file FILE                Read items from FILE (- for stdin).
  -f, --format FORMAT        text (default) or json for the summary on stdout.

Malformed items are reported on stderr with their line (or argument) number and skipped.

${CONNECTION_HELP}

Exit codes: 0 sent, 1 CleanTalk refused the key or could not be reached, 2 wrong usage or nothing
to send.

Example:
  ct-protected-form feedback 0123456789abcdef0123456789abcdef:spam`,

  async run(args, context) {
    const { values, positionals } = parseCommand('feedback', args, {
      ...CONNECTION_OPTIONS,
      file: { type: 'string' },
      format: { type: 'string', short: 'f' },
    });
    const format = choiceOption('feedback', 'format', values.format, ['text', 'json'] as const, 'text');
    const connection = connect('feedback', values, context.env);
    const warn = (message: string) => context.stderr.write(`feedback: ${message}\n`);

    const items: FeedbackItem[] = [];
    let malformed = 0;
    positionals.forEach((arg, index) => {
      const item = parseFeedbackItem(arg);
      if (typeof item === 'string') {
        malformed++;
        warn(`argument ${index + 1}: ${item}; skipped`);
      } else items.push(item);
    });
    if (values.file !== undefined) {
      const text = await readSource(values.file, context.stdin, 'feedback');
      text.split(/\r?\n/).forEach((raw, index) => {
        const line = raw.trim();
        if (line === '' || line.startsWith('#') || (index === 0 && /request.?id/i.test(line))) return;
        const item = parseFeedbackItem(line);
        if (typeof item === 'string') {
          malformed++;
          warn(`line ${index + 1}: ${item}; skipped`);
        } else items.push(item);
      });
    }
    if (items.length === 0)
      throw new UsageError('nothing to send: give ID:spam or ID:ok items, or --file', 'feedback');

    let result: Awaited<ReturnType<typeof connection.verifier.sendFeedback>>;
    try {
      result = await connection.verifier.sendFeedback(items, { signal: context.signal });
    } catch (error) {
      if (context.signal.aborted) return EXIT.interrupted;
      throw error;
    }
    if (format === 'json') {
      const { error, ...fields } = result;
      context.stdout.write(
        `${JSON.stringify({ ...fields, malformed, ...(error ? { error: error.message } : {}) })}\n`,
      );
    } else {
      context.stdout.write(
        `sent ${result.sent} of ${items.length} items; CleanTalk received ${result.received}\n`,
      );
    }
    if (result.error) {
      warn(explainFailure(result.error, connection.realtimeOrigin));
      return EXIT.failure;
    }
    return EXIT.ok;
  },
};
