import type { IpInfoData } from '@ct-protected-form/verifier/database';
import type { Command } from '../context.js';
import { type BatchCommandSpec, runBatchCommand } from './batch.js';
import { batchHelp, CONNECTION_HELP, EXIT_HELP } from './common-help.js';

const PREFERRED = ['ip', 'ip_address', 'ipaddress', 'address', 'record'] as const;

const spec: BatchCommandSpec<IpInfoData> = {
  name: 'ip-info',
  noun: 'IP',
  preferredColumns: PREFERRED,
  recordColumn: 'ip',
  columns: ['line', 'ip', 'status', 'country_code', 'country_name', 'error'],
  toRow(result, line) {
    const row = {
      line,
      ip: result.record,
      status: result.status,
      country_code: null,
      country_name: null,
      error: null,
    };
    if (result.status !== 'ok') return { ...row, error: result.error };
    return { ...row, country_code: result.countryCode ?? null, country_name: result.countryName ?? null };
  },
  run: (database, values, settings) => database.ipInfo(values, settings),
  tally() {
    const countries = new Set<string>();
    return {
      add: (result) => {
        if (result.status === 'ok' && result.countryCode) countries.add(result.countryCode);
      },
      describe: () => `${countries.size} ${countries.size === 1 ? 'country' : 'countries'}`,
    };
  },
};

export const ipInfoCommand: Command = {
  name: 'ip-info',
  summary: 'look up the country of IP addresses',
  help: `Usage: ct-protected-form ip-info [FILE | -] [options]

Looks up the country of IP addresses (v4 and v6) with CleanTalk's ip_info, 1000 a call, waiting
out CleanTalk's rate limit (10 calls a minute). Writes one row per IP: line, ip, status,
country_code, country_name, error.

${batchHelp('IP', PREFERRED)}

${CONNECTION_HELP}

${EXIT_HELP}

Example:
  printf '8.8.8.8\\n2001:4860:4860::8888\\n' | ct-protected-form ip-info --format json`,
  run: (args, context) => runBatchCommand(spec, args, context),
};
