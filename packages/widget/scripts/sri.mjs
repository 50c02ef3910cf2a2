// Prints the Subresource Integrity hash of the script-tag build (run `pnpm build` first), the same
// value as: openssl dgst -sha384 -binary dist/ct-protected-form.min.js | openssl base64 -A
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? new URL('../dist/ct-protected-form.min.js', import.meta.url);
const hash = createHash('sha384').update(readFileSync(file)).digest('base64');
console.log(`sha384-${hash}`);
