/**
 * Prints the Argon2id hash of a password, for ADMIN_PASSWORD_HASH: the server then never holds the
 * password itself.
 *
 *   pnpm -s -F example-fastify-comments hash-password            # asks, without echoing it
 *   printf %s "$PASSWORD" | pnpm -s -F example-fastify-comments hash-password
 */
import { hashPassword } from '../src/admin/credentials.js';

const MIN_LENGTH = 12;

/** Reads a password from the terminal without showing it, or all of piped standard input. */
async function readPassword(): Promise<string> {
  const { stdin } = process;
  if (!stdin.isTTY) {
    let text = '';
    for await (const chunk of stdin) text += chunk;
    return text.replace(/\r?\n$/, '');
  }
  process.stderr.write('Password: ');
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  return new Promise((resolve) => {
    let typed = '';
    stdin.on('data', (keys: string) => {
      for (const key of keys) {
        if (key === '\r' || key === '\n') {
          stdin.setRawMode(false);
          stdin.pause();
          process.stderr.write('\n');
          resolve(typed);
          return;
        }
        if (key === '\u0003') process.exit(130); // Ctrl-C
        typed = key === '\u007f' ? typed.slice(0, -1) : typed + key;
      }
    });
  });
}

const password = await readPassword();
if (password.length < MIN_LENGTH) {
  console.error(`The password needs at least ${MIN_LENGTH} characters.`);
  process.exit(2);
}
console.log(await hashPassword(password));
