import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type NewComment, SCHEMA_VERSION, Store } from '../src/db.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fastify-comments-db-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const comment = (fields: Partial<NewComment> = {}): NewComment => ({
  postSlug: 'post',
  name: 'Ada',
  email: 'ada@example.com',
  message: 'Hello',
  status: 'approved',
  requestId: null,
  ...fields,
});

describe('Store', () => {
  it('creates the file and its directory on first open', async () => {
    const file = join(dir, 'nested', 'data.sqlite');
    const store = Store.open({ file });
    store.close();
    expect(await readdir(join(dir, 'nested'))).toEqual(['data.sqlite']);
  });

  it('keeps every change after a reopen, and leaves no journal file behind once closed', async () => {
    const file = join(dir, 'data.sqlite');
    const first = Store.open({ file });
    first.addComment(comment({ message: 'kept' }));
    first.addUser({
      name: 'Grace',
      email: 'grace@example.com',
      status: 'pending',
      inactive: true,
      requestId: null,
    });
    first.log({
      form: 'comment',
      decision: 'allow',
      verified: true,
      codes: 'ALLOWED',
      reason: '',
      requestId: 'a'.repeat(32),
      email: 'x@example.com',
      ip: '127.0.0.1',
    });
    first.close();

    const second = Store.open({ file });
    expect(second.comments('post').map((c) => c.message)).toEqual(['kept']);
    expect(second.pendingUsers()).toMatchObject([{ name: 'Grace', inactive: true }]);
    expect(second.recentLog()).toMatchObject([{ codes: 'ALLOWED', verified: true }]);
    second.close();
    expect(await readdir(dir)).toEqual(['data.sqlite']);
  });

  it('migrates a database written before migrations existed, keeping its rows', () => {
    const file = join(dir, 'old.sqlite');
    // What earlier versions of the example wrote: the tables, no user_version.
    const old = new Database(file);
    old.exec(`CREATE TABLE comments (id INTEGER PRIMARY KEY AUTOINCREMENT, post_slug TEXT NOT NULL,
      name TEXT NOT NULL, email TEXT NOT NULL, message TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('approved', 'pending', 'rejected')), request_id TEXT,
      created_at INTEGER NOT NULL)`);
    old
      .prepare(
        "INSERT INTO comments (post_slug, name, email, message, status, created_at) VALUES ('post', 'Ada', 'a@example.com', 'from before', 'approved', 1)",
      )
      .run();
    old.close();

    const store = Store.open({ file });
    expect(store.schemaVersion).toBe(SCHEMA_VERSION);
    expect(store.comments('post').map((c) => c.message)).toEqual(['from before']);
    store.addUser({
      name: 'G',
      email: 'g@example.com',
      status: 'approved',
      inactive: false,
      requestId: null,
    });
    expect(store.hasUserWithEmail('G@example.com')).toBe(true);
    store.close();
  });

  it('refuses a database from a newer version of the app instead of writing to it', () => {
    const file = join(dir, 'new.sqlite');
    const newer = new Database(file);
    newer.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    newer.close();
    expect(() => Store.open({ file })).toThrow(/newer than this code knows/);
  });

  it('writes through a write-ahead log', () => {
    const file = join(dir, 'data.sqlite');
    const store = Store.open({ file });
    store.addComment(comment());
    const reader = new Database(file, { readonly: true });
    expect(reader.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(reader.prepare('SELECT count(*) AS n FROM comments').get()).toEqual({ n: 1 });
    reader.close();
    store.close();
  });

  it('moderates each pending comment once, however often it is asked', () => {
    const store = Store.open();
    const pending = store.addComment(comment({ status: 'pending' }));
    const outcomes = [
      store.moderateComment(pending.id, 'approved'),
      store.moderateComment(pending.id, 'rejected'),
    ];
    expect(outcomes.map((entry) => entry?.status)).toEqual(['approved', undefined]);
    expect(store.comment(pending.id)?.status).toBe('approved');
  });

  it('forgets an expired session', () => {
    let now = 1_000;
    const store = Store.open({ now: () => now });
    store.saveSession('s1', '{"admin":"a"}', 2_000);
    expect(store.session('s1')).toBe('{"admin":"a"}');
    now = 2_000;
    expect(store.session('s1')).toBeUndefined();
    store.saveSession('s2', '{}', 5_000);
    store.deleteSession('s2');
    expect(store.session('s2')).toBeUndefined();
  });

  it('lists only approved comments of a post, oldest first', async () => {
    const store = Store.open();
    store.addComment(comment({ message: 'one' }));
    store.addComment(comment({ message: 'held', status: 'pending' }));
    store.addComment(comment({ message: 'other post', postSlug: 'other' }));
    store.addComment(comment({ message: 'two' }));
    expect(store.comments('post').map((c) => c.message)).toEqual(['one', 'two']);
    expect(store.pendingComments().map((c) => c.message)).toEqual(['held']);
  });

  it('gives the newest approved messages first, up to the limit', async () => {
    const store = Store.open();
    for (const message of ['a', 'b', 'c']) store.addComment(comment({ message }));
    expect(store.approvedMessages('post', 2)).toEqual(['c', 'b']);
  });

  it('moderates a pending entry once and ignores others', async () => {
    const store = Store.open();
    const pending = store.addComment(comment({ status: 'pending' }));
    const approved = store.addComment(comment());
    expect(store.moderateComment(pending.id, 'approved')?.status).toBe('approved');
    expect(store.moderateComment(pending.id, 'rejected')).toBeUndefined();
    expect(store.moderateComment(approved.id, 'rejected')).toBeUndefined();
    expect(store.moderateComment(999, 'approved')).toBeUndefined();
  });

  it('finds an existing account by email regardless of case, but not a rejected one', async () => {
    const store = Store.open();
    const user = store.addUser({
      name: 'G',
      email: 'Grace@Example.com',
      status: 'pending',
      inactive: false,
      requestId: null,
    });
    expect(store.hasUserWithEmail('grace@example.com')).toBe(true);
    store.moderateUser(user.id, 'rejected');
    expect(store.hasUserWithEmail('grace@example.com')).toBe(false);
  });

  it('keeps the log bounded, newest first', async () => {
    const store = Store.open();
    for (let i = 0; i < 510; i++) {
      store.log({
        form: 'comment',
        decision: 'allow',
        verified: true,
        codes: String(i),
        reason: '',
        requestId: null,
        email: '',
        ip: '',
      });
    }
    const log = store.recentLog(1000);
    expect(log).toHaveLength(500);
    expect(log[0]?.codes).toBe('509');
    expect(log.at(-1)?.codes).toBe('10');
  });

  it('treats SQL in visitor input as text', async () => {
    const store = Store.open();
    store.addComment(comment({ name: "Robert'); DROP TABLE comments;--" }));
    expect(store.comments('post')[0]?.name).toBe("Robert'); DROP TABLE comments;--");
  });
});
