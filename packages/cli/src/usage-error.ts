/** A mistake on the command line: printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  readonly code = 'CT_CLI_USAGE';

  constructor(
    message: string,
    /** The command whose help to point at. */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Exit codes: 0 done, 1 CleanTalk could not be asked or refused the key, 2 usage, 130 interrupted. */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;
