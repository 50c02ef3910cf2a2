import { KEY_VARIABLE } from '../connection.js';

/** Help lines for the options every command that talks to CleanTalk takes. */
export const CONNECTION_HELP = `Connection:
  --key KEY                  CleanTalk access key. Prefer the ${KEY_VARIABLE} environment
                             variable: a key on the command line shows in the process list.
  --database-endpoint URL    Database API (default https://api.cleantalk.org/); point it at
                             a local ct-devserver for tests.
  --endpoint URL             Real-time API (default https://moderate.cleantalk.org/api2.0).
  --timeout MS               Longest wait for one call (default 30000).
  -h, --help                 Show this help.`;

/** Help lines for the options of the commands that read a list and write rows. */
export function batchHelp(noun: string, preferred: readonly string[]): string {
  return `Input (a file, or stdin when FILE is - or absent):
  -c, --column NAME          CSV column holding the ${noun}s (default: the first of
                             ${preferred.join(', ')}; a one-column CSV needs none).
  --input-format FORMAT      auto (default), csv or list. "auto" reads CSV when a column is
                             chosen, the file ends in .csv or the first line has a , ; or tab;
                             a plain list otherwise (one ${noun} a line, # comments).
  Malformed rows are reported on stderr with their line number and skipped.

Output:
  -f, --format FORMAT        csv (default, with a header), json (an array) or jsonl.
  -o, --output FILE          Write to FILE instead of stdout; every chunk is on disk before
                             the next call.
  --resume                   Keep the rows FILE already holds and ask only for the rest
                             (rows "in progress" at CleanTalk are asked again).
  --chunk-size N             ${noun[0]?.toUpperCase()}${noun.slice(1)}s per call, 1 to 1000 (default 1000).
  --retry-delay MS           First pause when CleanTalk asks to wait (rate limit, "In
                             progress"); doubles each time (default 2000).
  --no-progress              No progress bar (it is drawn only when stderr is a terminal).

Ctrl-C stops the run: what is done is written, the exit code is 130, --resume continues.`;
}

export const EXIT_HELP = `Exit codes: 0 done, 1 CleanTalk refused the key or could not be reached, 2 wrong usage,
130 interrupted.`;
