import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './usage-error.js';

type OptionSpec = { type: 'string' | 'boolean'; short?: string; multiple?: boolean };

/** Options every command that talks to CleanTalk takes. */
export const CONNECTION_OPTIONS = {
  key: { type: 'string' },
  endpoint: { type: 'string' },
  'database-endpoint': { type: 'string' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Record<string, OptionSpec>;

/** Options of the commands that read a list and write one row per record. */
export const BATCH_OPTIONS = {
  ...CONNECTION_OPTIONS,
  column: { type: 'string', short: 'c' },
  format: { type: 'string', short: 'f' },
  'input-format': { type: 'string' },
  output: { type: 'string', short: 'o' },
  resume: { type: 'boolean' },
  'chunk-size': { type: 'string' },
  'retry-delay': { type: 'string' },
  'no-progress': { type: 'boolean' },
} as const satisfies Record<string, OptionSpec>;

/** Parses a command's arguments strictly; anything unknown is a {@link UsageError}. */
export function parseCommand<O extends Record<string, OptionSpec>>(
  command: string,
  args: string[],
  options: O,
): { values: { [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string }; positionals: string[] } {
  try {
    const parsed = parseArgs({
      args,
      options: options as ParseArgsConfig['options'],
      allowPositionals: true,
      strict: true,
    });
    return parsed as never;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), command);
  }
}

/** A whole number option within bounds, or its default. */
export function integerOption(
  command: string,
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(
      `--${name} expects a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`,
      command,
    );
  }
  return n;
}

/** One of a fixed set of words, or its default. */
export function choiceOption<T extends string>(
  command: string,
  name: string,
  value: string | undefined,
  choices: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) {
    throw new UsageError(
      `--${name} expects one of ${choices.join(', ')}, got ${JSON.stringify(value)}`,
      command,
    );
  }
  return value as T;
}
