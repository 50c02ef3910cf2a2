import { CtProtectedFormError, VERSION } from '@ct-protected-form/verifier';
import { checkKeyCommand } from './commands/check-key.js';
import { feedbackCommand } from './commands/feedback.js';
import { ipInfoCommand } from './commands/ip-info.js';
import { spamCheckCommand } from './commands/spam-check.js';
import type { Command, CommandContext } from './context.js';
import { EXIT, UsageError } from './usage-error.js';

export const COMMANDS: readonly Command[] = [
  spamCheckCommand,
  ipInfoCommand,
  checkKeyCommand,
  feedbackCommand,
];

export const USAGE = `Usage: ct-protected-form <command> [options]

CleanTalk's database API from the command line: check an existing user base against the spam
database, look up IPs, validate a key, report decisions back.

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(12)} ${command.summary}`).join('\n')}

Run "ct-protected-form <command> --help" for a command's options. The access key is read from
CLEANTALK_AUTH_KEY (or --key) and never printed.

Options:
  -h, --help     Show this help.
  -v, --version  Print the version.`;

/** Runs the command line `args` (without node and the script) and returns the exit code. */
export async function main(args: string[], context: CommandContext): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    const topic = name === 'help' ? COMMANDS.find((command) => command.name === rest[0]) : undefined;
    context.stdout.write(`${topic ? topic.help : USAGE}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '-v' || name === '--version') {
    context.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    context.stderr.write(`ct-protected-form: unknown command ${JSON.stringify(name)}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    context.stdout.write(`${command.help}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, context);
  } catch (error) {
    if (error instanceof UsageError) {
      context.stderr.write(
        `${command.name}: ${error.message}\nRun "ct-protected-form ${command.name} --help" for usage.\n`,
      );
      return EXIT.usage;
    }
    if (context.signal.aborted) return EXIT.interrupted;
    // The verifier's errors never carry the key; anything else is reported by its message only.
    const message =
      error instanceof CtProtectedFormError || error instanceof Error ? error.message : String(error);
    context.stderr.write(`${command.name}: ${message}\n`);
    return EXIT.failure;
  }
}
