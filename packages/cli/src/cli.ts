#!/usr/bin/env node
import { main } from './main.js';
import { EXIT } from './usage-error.js';

const controller = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  interrupts++;
  // The first Ctrl-C lets the run write what is done; a second one leaves at once.
  if (interrupts > 1) process.exit(EXIT.interrupted);
  controller.abort(new Error('interrupted'));
});
// A closed pipe (`| head`) ends the output, not the process with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
  throw error;
});

const code = await main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
});
process.exitCode = code;
// Nothing should be left but open handles of an aborted call: do not wait for them.
setImmediate(() => process.exit(code));
