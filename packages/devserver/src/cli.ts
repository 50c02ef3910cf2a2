#!/usr/bin/env node
import { CliUsageError, parseCliArgs, USAGE } from './cli-args.js';
import { startDevServer } from './server.js';

async function main(argv: readonly string[]): Promise<void> {
  let command: ReturnType<typeof parseCliArgs>;
  try {
    command = parseCliArgs(argv);
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    process.stderr.write(`ct-devserver: ${error.message}\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }

  let server: Awaited<ReturnType<typeof startDevServer>>;
  try {
    server = await startDevServer(command.options);
  } catch (error) {
    process.stderr.write(
      `ct-devserver: could not start: ${error instanceof Error ? error.message : error}\n`,
    );
    process.exitCode = 1;
    return;
  }
  process.stdout.write(
    `api: ${server.apiUrl}\ndatabase: ${server.databaseUrl}\ndetector: ${server.detectorUrl}\n`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second signal while closing: give up waiting.
      process.exit(130);
    }
    stopping = true;
    process.stderr.write(`ct-devserver: ${signal}, stopping\n`);
    server.close().then(
      () => {
        process.exitCode = 0;
      },
      () => {
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

await main(process.argv.slice(2));
