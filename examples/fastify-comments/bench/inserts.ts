/**
 * What a comment costs to store as the database grows: the store's own `addComment()` and `log()`
 * on a file database (WAL, as the app runs it), timed over the first 1,000 rows and over rows
 * 99,001 to 100,000 of the same database, side by side. Run once: `pnpm -F example-fastify-comments bench`.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type NewComment, Store } from '../src/db.js';

const ROWS = 100_000;
const BLOCK = 1_000;

const dir = mkdtempSync(join(tmpdir(), 'fastify-comments-bench-'));
const file = join(dir, 'comments.sqlite');
const store = Store.open({ file });

const comment = (i: number): NewComment => ({
  postSlug: i % 2 ? 'tomatoes-on-a-balcony' : 'herbs-in-the-shade',
  name: `Reader ${i}`,
  email: `reader${i}@example.com`,
  message: `Comment number ${i}: my basil grows best in the morning sun, and the thyme next to it too.`,
  status: i % 10 === 0 ? 'pending' : 'approved',
  requestId: i.toString(16).padStart(32, '0'),
});

/** Median microseconds of one call, over a block of calls. */
function block(run: (i: number) => void, from: number): number {
  const times: number[] = [];
  for (let i = from; i < from + BLOCK; i++) {
    const started = process.hrtime.bigint();
    run(i);
    times.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

const addComment = (i: number) => store.addComment(comment(i));
const addLogLine = (i: number) =>
  store.log({
    form: 'comment',
    decision: 'allow',
    verified: true,
    codes: 'ALLOWED',
    reason: '',
    requestId: i.toString(16).padStart(32, '0'),
    email: `reader${i}@example.com`,
    ip: '203.0.113.7',
  });

const firstComment = block(addComment, 1);
const firstLog = block(addLogLine, 1);
for (let i = BLOCK + 1; i <= ROWS - BLOCK; i++) {
  addComment(i);
  addLogLine(i);
}
const lastComment = block(addComment, ROWS - BLOCK + 1);
const lastLog = block(addLogLine, ROWS - BLOCK + 1);
const readPage = (() => {
  const started = process.hrtime.bigint();
  store.pendingComments();
  return Number(process.hrtime.bigint() - started) / 1000;
})();
const size = statSync(file).size + (statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0);
store.close();
rmSync(dir, { recursive: true, force: true });

const row = (what: string, first: number, last: number) => ({
  'per call': what,
  'rows 1–1,000 (µs, median)': Number(first.toFixed(1)),
  'rows 99,001–100,000 (µs, median)': Number(last.toFixed(1)),
  'last / first': Number((last / first).toFixed(2)),
});
console.log(`SQLite (better-sqlite3, WAL), ${ROWS.toLocaleString('en')} comments and log lines in one file:`);
console.table([row('addComment()', firstComment, lastComment), row('log() (keeps 500)', firstLog, lastLog)]);
console.log(
  `database: ${(size / 1e6).toFixed(1)} MB; the moderation queue's ${Math.round(ROWS / 10).toLocaleString('en')} pending comments read in ${(readPage / 1000).toFixed(1)} ms`,
);
