import type { SpamCheckData } from '@ct-protected-form/verifier/database';
import type { Command } from '../context.js';
import { UsageError } from '../usage-error.js';
import { type BatchCommandSpec, runBatchCommand } from './batch.js';
import { batchHelp, CONNECTION_HELP, EXIT_HELP } from './common-help.js';

const PREFERRED = ['email', 'e-mail', 'mail', 'ip', 'ip_address', 'record'] as const;

const spec: BatchCommandSpec<SpamCheckData> = {
  name: 'spam-check',
  noun: 'record',
  preferredColumns: PREFERRED,
  recordColumn: 'record',
  columns: [
    'line',
    'record',
    'type',
    'status',
    'appears',
    'frequency',
    'spam_rate',
    'spam_frequency_24h',
    'submitted',
    'updated',
    'country',
    'network_type',
    'exists',
    'disposable_email',
    'in_antispam',
    'domains_count',
    'sha256',
    'error',
  ],
  extraOptions: { date: { type: 'string' } },
  toRow(result, line) {
    const row = {
      line,
      record: result.record,
      type: result.type ?? null,
      status: result.status,
      error: null,
    };
    if (result.status !== 'ok') return { ...row, error: result.error };
    return {
      ...row,
      appears: result.appears,
      frequency: result.frequency ?? null,
      spam_rate: result.spamRate ?? null,
      spam_frequency_24h: result.spamFrequency24h ?? null,
      submitted: result.submitted ?? null,
      updated: result.updated ?? null,
      country: result.country ?? null,
      network_type: result.networkType ?? null,
      exists: result.exists ?? null,
      disposable_email: result.disposableEmail ?? null,
      in_antispam: result.inAntispam ?? null,
      domains_count: result.domainsCount ?? null,
      sha256: result.sha256 ?? null,
    };
  },
  run(database, values, settings, options) {
    const date = options.date;
    if (date !== undefined && (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date))) {
      throw new UsageError(`--date expects YYYY-MM-DD, got ${JSON.stringify(date)}`, 'spam-check');
    }
    return database.spamCheck(values, { ...settings, ...(date ? { date } : {}) });
  },
  tally() {
    let listed = 0;
    return {
      add: (result) => {
        if (result.status === 'ok' && result.appears) listed++;
      },
      describe: () => `${listed} in the spam database`,
    };
  },
};

export const spamCheckCommand: Command = {
  name: 'spam-check',
  summary: "check emails and IPs against CleanTalk's spam database",
  help: `Usage: ct-protected-form spam-check [FILE] [options]

Checks emails and IP addresses (v4 and v6) against CleanTalk's spam database (spam_check),
1000 a call, waiting out CleanTalk's rate limit (100 calls a minute). Writes one row per record:
line, record, type, status (ok, missing, error, pending), appears (1: in the spam database),
frequency, spam_rate, spam_frequency_24h, submitted, updated, country, network_type, exists,
disposable_email, in_antispam, domains_count, sha256, error.

  --date YYYY-MM-DD          Ask about this day only.

${batchHelp('record', PREFERRED)}

${CONNECTION_HELP}

${EXIT_HELP}

Examples:
  CLEANTALK_AUTH_KEY=... ct-protected-form spam-check users.csv --column email -o checked.csv
  cut -d, -f3 users.csv | ct-protected-form spam-check --input-format list --format jsonl`,
  run: (args, context) => runBatchCommand(spec, args, context),
};
