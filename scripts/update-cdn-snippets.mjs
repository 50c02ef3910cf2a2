// Writes the widget's version and the integrity hash the build printed (packages/widget/dist/
// integrity.json) into every CDN snippet: the README and the quick-start pages. Run after
// `pnpm build` whenever the script-tag build or the version changed; the README test says when.
import { readFileSync, writeFileSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const { version, integrity } = JSON.parse(
  readFileSync(new URL('packages/widget/dist/integrity.json', root), 'utf8'),
);
const SNIPPET =
  /(https:\/\/unpkg\.com\/@ct-protected-form\/widget)@[^/]+(\/dist\/ct-protected-form\.min\.js"\s+integrity=")sha384-[^"]*"/g;

for (const file of ['README.md', 'examples/quick-starts/page.html', 'examples/quick-starts/cms-page.html']) {
  const url = new URL(file, root);
  const before = readFileSync(url, 'utf8');
  const after = before.replace(SNIPPET, `$1@${version}$2${integrity}"`);
  if (after !== before) writeFileSync(url, after);
  console.log(`${file}: ${after === before ? 'up to date' : 'updated'}`);
}
