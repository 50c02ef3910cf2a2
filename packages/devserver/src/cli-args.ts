import { parseArgs } from 'node:util';
import type { DevServerOptions } from './options.js';

/** The command line's usage text. */
export const USAGE = `Usage: ct-devserver [options]

A CleanTalk-compatible server for tests and offline development. Never use it in production.

Options:
  --port <n>             port to listen on, 0 for any free port (default 8787)
  --host <address>       address to listen on (default 127.0.0.1)
  --key <key>            an accepted access key; repeat for several (default ct-devserver-key)
  --detector-delay <ms>  delay before the stand-in detector adds its token (default 0)
  --number-flags         answer 0/1 flags as numbers instead of strings
  --quiet                do not log requests
  -h, --help             show this help`;

/** What the command line asks for. */
export type CliCommand = { kind: 'help' } | { kind: 'serve'; options: DevServerOptions };

/** A command-line mistake; the CLI prints the message and the usage, and exits with status 2. */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
  readonly code = 'CT_DEVSERVER_USAGE';
}

function integerFlag(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < min || parsed > max) {
    throw new CliUsageError(`--${flag} must be an integer from ${min} to ${max}, got "${value}".`);
  }
  return parsed;
}

/** Parses the arguments (without `node` and the script path). Throws {@link CliUsageError}. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  let values: ReturnType<typeof parse>['values'];
  try {
    ({ values } = parse(argv));
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return { kind: 'help' };
  const options: DevServerOptions = {
    port: integerFlag('port', values.port, 0, 65535) ?? 8787,
    quiet: values.quiet ?? false,
  };
  if (values.host !== undefined) {
    if (values.host === '') throw new CliUsageError('--host must not be empty.');
    options.host = values.host;
  }
  if (values.key !== undefined) {
    if (values.key.some((key) => key === '')) throw new CliUsageError('--key must not be empty.');
    options.authKeys = values.key;
  }
  const delay = integerFlag('detector-delay', values['detector-delay'], 0, 600_000);
  if (delay !== undefined) options.detectorDelayMs = delay;
  if (values['number-flags']) options.stringNumbers = false;
  return { kind: 'serve', options };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      key: { type: 'string', multiple: true },
      'detector-delay': { type: 'string' },
      'number-flags': { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
