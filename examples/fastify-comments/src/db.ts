import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import initSqlJs, { type Database, type SqlValue } from 'sql.js';

/** Where a comment or a sign-up stands. */
export type Status = 'approved' | 'pending' | 'rejected';

export interface Comment {
  id: number;
  postSlug: string;
  name: string;
  email: string;
  message: string;
  status: Status;
  /** CleanTalk's request id, for feedback from the moderation queue. */
  requestId: string | null;
  createdAt: number;
}

export interface User {
  id: number;
  name: string;
  email: string;
  status: Status;
  /** CleanTalk asked to keep the account inactive until the email address is confirmed. */
  inactive: boolean;
  requestId: string | null;
  createdAt: number;
}

/** One line of the log of checks, like CleanTalk's "log of spam attacks". */
export interface LogEntry {
  id: number;
  /** Which form was checked: `comment` or `signup`. */
  form: string;
  decision: string;
  verified: boolean;
  codes: string;
  reason: string;
  requestId: string | null;
  email: string;
  ip: string;
  createdAt: number;
}

export type NewComment = Omit<Comment, 'id' | 'createdAt'>;
export type NewUser = Omit<User, 'id' | 'createdAt'>;
export type NewLogEntry = Omit<LogEntry, 'id' | 'createdAt'>;

/** Entries the log keeps; older ones are deleted. */
const LOG_LIMIT = 500;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS comments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  post_slug TEXT NOT NULL,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  message TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('approved', 'pending', 'rejected')),
  request_id TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS comments_by_post ON comments (post_slug, status, id);
CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('approved', 'pending', 'rejected')),
  inactive INTEGER NOT NULL DEFAULT 0,
  request_id TEXT,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  form TEXT NOT NULL,
  decision TEXT NOT NULL,
  verified INTEGER NOT NULL,
  codes TEXT NOT NULL,
  reason TEXT NOT NULL,
  request_id TEXT,
  email TEXT NOT NULL,
  ip TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
`;

export interface OpenOptions {
  /**
   * The SQLite file. Created with its directory on first use and rewritten atomically (a temporary
   * file renamed over it) after each change. Without one the data lives in memory only.
   * @default undefined
   */
  file?: string | undefined;
  /**
   * The clock, in milliseconds since the epoch.
   * @default Date.now
   */
  now?: () => number;
}

/**
 * The example's storage: SQLite compiled to WebAssembly (sql.js), so nothing native is built on
 * install. The whole database lives in memory and is written back to its file after each change,
 * which suits a small site; a large one would use a server database.
 */
export class Store {
  readonly #db: Database;
  readonly #file: string | undefined;
  readonly #now: () => number;

  private constructor(db: Database, file: string | undefined, now: () => number) {
    this.#db = db;
    this.#file = file;
    this.#now = now;
  }

  static async open(options: OpenOptions = {}): Promise<Store> {
    const SQL = await initSqlJs();
    const existing = options.file ? readIfExists(options.file) : undefined;
    const store = new Store(new SQL.Database(existing), options.file, options.now ?? Date.now);
    store.#db.run(SCHEMA);
    if (!existing) store.#save();
    return store;
  }

  addComment(comment: NewComment): Comment {
    const createdAt = this.#now();
    const id = this.#insert(
      'INSERT INTO comments (post_slug, name, email, message, status, request_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [
        comment.postSlug,
        comment.name,
        comment.email,
        comment.message,
        comment.status,
        comment.requestId,
        createdAt,
      ],
    );
    return { ...comment, id, createdAt };
  }

  /** A post's comments in one status, oldest first. */
  comments(postSlug: string, status: Status = 'approved'): Comment[] {
    return this.#all(
      'SELECT * FROM comments WHERE post_slug = ? AND status = ? ORDER BY id',
      [postSlug, status],
      toComment,
    );
  }

  /** The texts of a post's newest approved comments, newest first: context for CleanTalk's relevance test. */
  approvedMessages(postSlug: string, limit: number): string[] {
    return this.#all(
      "SELECT message FROM comments WHERE post_slug = ? AND status = 'approved' ORDER BY id DESC LIMIT ?",
      [postSlug, limit],
      (row) => String(row.message),
    );
  }

  /** Every comment waiting for moderation, oldest first. */
  pendingComments(): Comment[] {
    return this.#all("SELECT * FROM comments WHERE status = 'pending' ORDER BY id", [], toComment);
  }

  comment(id: number): Comment | undefined {
    return this.#all('SELECT * FROM comments WHERE id = ?', [id], toComment)[0];
  }

  /** Moves a pending comment to `approved` or `rejected`; `undefined` when there is no such pending comment. */
  moderateComment(id: number, status: 'approved' | 'rejected'): Comment | undefined {
    if (this.comment(id)?.status !== 'pending') return undefined;
    this.#write('UPDATE comments SET status = ? WHERE id = ?', [status, id]);
    return this.comment(id);
  }

  addUser(user: NewUser): User {
    const createdAt = this.#now();
    const id = this.#insert(
      'INSERT INTO users (name, email, status, inactive, request_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      [user.name, user.email, user.status, user.inactive ? 1 : 0, user.requestId, createdAt],
    );
    return { ...user, id, createdAt };
  }

  user(id: number): User | undefined {
    return this.#all('SELECT * FROM users WHERE id = ?', [id], toUser)[0];
  }

  /** Whether an account (approved or waiting) already uses this email address. */
  hasUserWithEmail(email: string): boolean {
    return (
      this.#all(
        "SELECT id FROM users WHERE lower(email) = lower(?) AND status != 'rejected' LIMIT 1",
        [email],
        (row) => row.id,
      ).length > 0
    );
  }

  pendingUsers(): User[] {
    return this.#all("SELECT * FROM users WHERE status = 'pending' ORDER BY id", [], toUser);
  }

  moderateUser(id: number, status: 'approved' | 'rejected'): User | undefined {
    if (this.user(id)?.status !== 'pending') return undefined;
    this.#write('UPDATE users SET status = ? WHERE id = ?', [status, id]);
    return this.user(id);
  }

  /** Records a verdict; the log keeps the newest {@link LOG_LIMIT} entries. */
  log(entry: NewLogEntry): void {
    this.#db.run(
      'INSERT INTO log (form, decision, verified, codes, reason, request_id, email, ip, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [
        entry.form,
        entry.decision,
        entry.verified ? 1 : 0,
        entry.codes,
        entry.reason,
        entry.requestId,
        entry.email,
        entry.ip,
        this.#now(),
      ],
    );
    this.#write('DELETE FROM log WHERE id <= (SELECT max(id) FROM log) - ?', [LOG_LIMIT]);
  }

  /** The newest log entries, newest first. */
  recentLog(limit = 100): LogEntry[] {
    return this.#all('SELECT * FROM log ORDER BY id DESC LIMIT ?', [limit], toLogEntry);
  }

  close(): void {
    this.#db.close();
  }

  #insert(sql: string, params: SqlValue[]): number {
    this.#db.run(sql, params);
    const id = Number(this.#db.exec('SELECT last_insert_rowid()')[0]?.values[0]?.[0]);
    this.#save();
    return id;
  }

  #write(sql: string, params: SqlValue[]): void {
    this.#db.run(sql, params);
    this.#save();
  }

  #all<T>(sql: string, params: SqlValue[], map: (row: Record<string, SqlValue>) => T): T[] {
    const statement = this.#db.prepare(sql, params);
    try {
      const rows: T[] = [];
      while (statement.step()) rows.push(map(statement.getAsObject()));
      return rows;
    } finally {
      statement.free();
    }
  }

  /**
   * Writes the database to a temporary file, flushes it to disk and renames it over the real
   * one: a crash mid-write leaves the previous version intact, never half a file.
   */
  #save(): void {
    if (!this.#file) return;
    const data = this.#db.export();
    mkdirSync(dirname(this.#file), { recursive: true });
    const temporary = `${this.#file}.${process.pid}.tmp`;
    const fd = openSync(temporary, 'w', 0o600);
    try {
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.#file);
  }
}

function readIfExists(file: string): Uint8Array | undefined {
  try {
    return readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function toComment(row: Record<string, SqlValue>): Comment {
  return {
    id: Number(row.id),
    postSlug: String(row.post_slug),
    name: String(row.name),
    email: String(row.email),
    message: String(row.message),
    status: row.status as Status,
    requestId: row.request_id === null ? null : String(row.request_id),
    createdAt: Number(row.created_at),
  };
}

function toUser(row: Record<string, SqlValue>): User {
  return {
    id: Number(row.id),
    name: String(row.name),
    email: String(row.email),
    status: row.status as Status,
    inactive: row.inactive === 1,
    requestId: row.request_id === null ? null : String(row.request_id),
    createdAt: Number(row.created_at),
  };
}

function toLogEntry(row: Record<string, SqlValue>): LogEntry {
  return {
    id: Number(row.id),
    form: String(row.form),
    decision: String(row.decision),
    verified: row.verified === 1,
    codes: String(row.codes),
    reason: String(row.reason),
    requestId: row.request_id === null ? null : String(row.request_id),
    email: String(row.email),
    ip: String(row.ip),
    createdAt: Number(row.created_at),
  };
}
