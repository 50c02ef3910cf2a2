import type { Readable, Writable } from 'node:stream';

/** What a command runs with: the process's streams and environment, and the interrupt signal. */
export interface CommandContext {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT: the command writes what is done and returns {@link EXIT}.interrupted. */
  signal: AbortSignal;
}

/** A subcommand: its help text and how it runs. Returns the exit code. */
export interface Command {
  name: string;
  summary: string;
  help: string;
  run(args: string[], context: CommandContext): Promise<number>;
}
