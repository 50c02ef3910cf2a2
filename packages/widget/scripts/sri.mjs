// Prints the Subresource Integrity hash of the script-tag build and writes it, with the package
// version, to dist/integrity.json, where the README test compares the CDN snippet with it. Run by
// `pnpm build`; the same value as:
// openssl dgst -sha384 -binary dist/ct-protected-form.min.js | openssl base64 -A
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

const dist = new URL('../dist/', import.meta.url);
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const file = 'ct-protected-form.min.js';
const hash = createHash('sha384')
  .update(readFileSync(new URL(file, dist)))
  .digest('base64');
const integrity = `sha384-${hash}`;
writeFileSync(new URL('integrity.json', dist), `${JSON.stringify({ file, version, integrity }, null, 2)}\n`);
console.log(`${file}@${version} integrity: ${integrity}`);
