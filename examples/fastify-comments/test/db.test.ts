import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type NewComment, Store } from '../src/db.js';

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
    const store = await Store.open({ file });
    store.close();
    expect(await readdir(join(dir, 'nested'))).toEqual(['data.sqlite']);
  });

  it('keeps every change after a reopen, and leaves no temporary file behind', async () => {
    const file = join(dir, 'data.sqlite');
    const first = await Store.open({ file });
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

    const second = await Store.open({ file });
    expect(second.comments('post').map((c) => c.message)).toEqual(['kept']);
    expect(second.pendingUsers()).toMatchObject([{ name: 'Grace', inactive: true }]);
    expect(second.recentLog()).toMatchObject([{ codes: 'ALLOWED', verified: true }]);
    second.close();
    expect(await readdir(dir)).toEqual(['data.sqlite']);
  });

  it('lists only approved comments of a post, oldest first', async () => {
    const store = await Store.open();
    store.addComment(comment({ message: 'one' }));
    store.addComment(comment({ message: 'held', status: 'pending' }));
    store.addComment(comment({ message: 'other post', postSlug: 'other' }));
    store.addComment(comment({ message: 'two' }));
    expect(store.comments('post').map((c) => c.message)).toEqual(['one', 'two']);
    expect(store.pendingComments().map((c) => c.message)).toEqual(['held']);
  });

  it('gives the newest approved messages first, up to the limit', async () => {
    const store = await Store.open();
    for (const message of ['a', 'b', 'c']) store.addComment(comment({ message }));
    expect(store.approvedMessages('post', 2)).toEqual(['c', 'b']);
  });

  it('moderates a pending entry once and ignores others', async () => {
    const store = await Store.open();
    const pending = store.addComment(comment({ status: 'pending' }));
    const approved = store.addComment(comment());
    expect(store.moderateComment(pending.id, 'approved')?.status).toBe('approved');
    expect(store.moderateComment(pending.id, 'rejected')).toBeUndefined();
    expect(store.moderateComment(approved.id, 'rejected')).toBeUndefined();
    expect(store.moderateComment(999, 'approved')).toBeUndefined();
  });

  it('finds an existing account by email regardless of case, but not a rejected one', async () => {
    const store = await Store.open();
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
    const store = await Store.open();
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
    const store = await Store.open();
    store.addComment(comment({ name: "Robert'); DROP TABLE comments;--" }));
    expect(store.comments('post')[0]?.name).toBe("Robert'); DROP TABLE comments;--");
  });
});
