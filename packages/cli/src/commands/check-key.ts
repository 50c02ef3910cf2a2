import { connect } from '../connection.js';
import type { Command } from '../context.js';
import { explainFailure } from '../failure.js';
import { CONNECTION_OPTIONS, choiceOption, parseCommand } from '../options.js';
import { EXIT, UsageError } from '../usage-error.js';
import { CONNECTION_HELP } from './common-help.js';

export const checkKeyCommand: Command = {
  name: 'check-key',
  summary: 'check that the access key is valid, without spending a check',
  help: `Usage: ct-protected-form check-key [options]

Asks CleanTalk whether the access key is valid (notice_paid_till), without spending a check.
Prints the answer; the key itself is never printed.

  -f, --format FORMAT        text (default) or json.

${CONNECTION_HELP}

Exit codes: 0 the key is valid, 1 it is not or CleanTalk could not be reached, 2 wrong usage.`,

  async run(args, context) {
    const { values, positionals } = parseCommand('check-key', args, {
      ...CONNECTION_OPTIONS,
      format: { type: 'string', short: 'f' },
    });
    if (positionals.length > 0)
      throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`, 'check-key');
    const format = choiceOption('check-key', 'format', values.format, ['text', 'json'] as const, 'text');
    const connection = connect('check-key', values, context.env);
    let status: Awaited<ReturnType<typeof connection.verifier.checkKey>>;
    try {
      status = await connection.verifier.checkKey({
        timeoutMs: connection.timeoutMs,
        signal: context.signal,
      });
    } catch (error) {
      if (context.signal.aborted) return EXIT.interrupted;
      context.stderr.write(`check-key: ${explainFailure(error, connection.databaseOrigin)}\n`);
      return EXIT.failure;
    }
    if (format === 'json') {
      const { raw: _raw, ...fields } = status;
      context.stdout.write(`${JSON.stringify(fields)}\n`);
    } else if (status.valid) {
      const till = status.paidTill ? ` (paid till ${status.paidTill})` : '';
      context.stdout.write(`valid: CleanTalk accepts the key${till}${status.trial ? ', on a trial' : ''}\n`);
    } else {
      context.stdout.write('not valid: CleanTalk does not accept the key, or its service is not active\n');
    }
    return status.valid ? EXIT.ok : EXIT.failure;
  },
};
