import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

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

/**
 * The schema, one step per version. A database is at the version in its `user_version`; opening
 * it runs the steps it has not had yet, each in a transaction, so a crash mid-way leaves it at the
 * previous version. Add a step to change the schema; never edit one that has shipped.
 */
const MIGRATIONS: readonly string[] = [
  // 1: comments, accounts and the log. `IF NOT EXISTS`: files written by earlier versions of this
  // example (through sql.js, same SQLite format, no user_version) already have these tables.
  `CREATE TABLE IF NOT EXISTS comments (
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
  );`,
  // 2: the moderation queue is read by status; the sign-up form looks addresses up.
  `CREATE INDEX comments_by_status ON comments (status, id);
  CREATE INDEX users_by_status ON users (status, id);
  CREATE INDEX users_by_email ON users (lower(email));`,
  // 3: administrators' sessions (see session-store.ts).
  `CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX sessions_by_expiry ON sessions (expires_at);`,
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

export interface OpenOptions {
  /**
   * The SQLite file, created with its directory on first use. Without one the data lives in
   * memory only.
   * @default undefined
   */
  file?: string | undefined;
  /**
   * The clock, in milliseconds since the epoch.
   * @default Date.now
   */
  now?: () => number;
}

type Row = Record<string, unknown>;

/**
 * The example's storage: SQLite through better-sqlite3. Each change is one small write to the
 * write-ahead log (WAL), whatever the size of the database: a flood of submissions costs the same
 * per row on the first day as after years. Every query is prepared once, when the store opens.
 *
 * better-sqlite3 is synchronous on purpose: a prepared insert takes microseconds, less than the
 * bookkeeping of handing it to a thread would.
 */
export class Store {
  readonly #db: Database.Database;
  readonly #now: () => number;
  readonly #sql;

  private constructor(db: Database.Database, now: () => number) {
    this.#db = db;
    this.#now = now;
    const prepare = (sql: string) => db.prepare(sql);
    this.#sql = {
      insertComment: prepare(
        'INSERT INTO comments (post_slug, name, email, message, status, request_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      comments: prepare('SELECT * FROM comments WHERE post_slug = ? AND status = ? ORDER BY id'),
      commentCount: prepare("SELECT count(*) AS n FROM comments WHERE post_slug = ? AND status = 'approved'"),
      approvedMessages: prepare(
        "SELECT message FROM comments WHERE post_slug = ? AND status = 'approved' ORDER BY id DESC LIMIT ?",
      ),
      pendingComments: prepare("SELECT * FROM comments WHERE status = 'pending' ORDER BY id"),
      comment: prepare('SELECT * FROM comments WHERE id = ?'),
      moderateComment: prepare(
        "UPDATE comments SET status = ? WHERE id = ? AND status = 'pending' RETURNING *",
      ),
      insertUser: prepare(
        'INSERT INTO users (name, email, status, inactive, request_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      user: prepare('SELECT * FROM users WHERE id = ?'),
      userWithEmail: prepare(
        "SELECT id FROM users WHERE lower(email) = lower(?) AND status != 'rejected' LIMIT 1",
      ),
      pendingUsers: prepare("SELECT * FROM users WHERE status = 'pending' ORDER BY id"),
      moderateUser: prepare("UPDATE users SET status = ? WHERE id = ? AND status = 'pending' RETURNING *"),
      insertLog: prepare(
        'INSERT INTO log (form, decision, verified, codes, reason, request_id, email, ip, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      trimLog: prepare('DELETE FROM log WHERE id <= ? - ?'),
      recentLog: prepare('SELECT * FROM log ORDER BY id DESC LIMIT ?'),
      getSession: prepare('SELECT data FROM sessions WHERE id = ? AND expires_at > ?'),
      setSession: prepare(
        'INSERT INTO sessions (id, data, expires_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at',
      ),
      deleteSession: prepare('DELETE FROM sessions WHERE id = ?'),
      deleteExpiredSessions: prepare('DELETE FROM sessions WHERE expires_at <= ?'),
    };
  }

  /** Opens (and creates, or brings up to date) the database. */
  static open(options: OpenOptions = {}): Store {
    if (options.file) mkdirSync(dirname(options.file), { recursive: true });
    const db = new Database(options.file ?? ':memory:');
    try {
      // WAL: a change appends to the log instead of rewriting pages in place, readers never wait
      // for the writer, and NORMAL sync is safe with it (a power cut can lose the newest
      // transactions, never corrupt the file).
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      // Another process holding the write lock (a backup, the sqlite3 shell) is waited for, briefly.
      db.pragma('busy_timeout = 2000');
      migrate(db);
    } catch (error) {
      db.close();
      throw error;
    }
    return new Store(db, options.now ?? Date.now);
  }

  /** The schema version of the open database. */
  get schemaVersion(): number {
    return Number(this.#db.pragma('user_version', { simple: true }));
  }

  addComment(comment: NewComment): Comment {
    const createdAt = this.#now();
    const { lastInsertRowid } = this.#sql.insertComment.run(
      comment.postSlug,
      comment.name,
      comment.email,
      comment.message,
      comment.status,
      comment.requestId,
      createdAt,
    );
    return { ...comment, id: Number(lastInsertRowid), createdAt };
  }

  /** A post's comments in one status, oldest first. */
  comments(postSlug: string, status: Status = 'approved'): Comment[] {
    return this.#sql.comments.all(postSlug, status).map((row) => toComment(row as Row));
  }

  /** How many approved comments a post has. */
  commentCount(postSlug: string): number {
    return Number((this.#sql.commentCount.get(postSlug) as Row).n);
  }

  /** The texts of a post's newest approved comments, newest first: context for CleanTalk's relevance test. */
  approvedMessages(postSlug: string, limit: number): string[] {
    return this.#sql.approvedMessages.all(postSlug, limit).map((row) => String((row as Row).message));
  }

  /** Every comment waiting for moderation, oldest first. */
  pendingComments(): Comment[] {
    return this.#sql.pendingComments.all().map((row) => toComment(row as Row));
  }

  comment(id: number): Comment | undefined {
    const row = this.#sql.comment.get(id) as Row | undefined;
    return row && toComment(row);
  }

  /**
   * Moves a pending comment to `approved` or `rejected`, in one statement, so two moderators
   * clicking at once move it once; `undefined` when there is no such pending comment.
   */
  moderateComment(id: number, status: 'approved' | 'rejected'): Comment | undefined {
    const row = this.#sql.moderateComment.get(status, id) as Row | undefined;
    return row && toComment(row);
  }

  addUser(user: NewUser): User {
    const createdAt = this.#now();
    const { lastInsertRowid } = this.#sql.insertUser.run(
      user.name,
      user.email,
      user.status,
      user.inactive ? 1 : 0,
      user.requestId,
      createdAt,
    );
    return { ...user, id: Number(lastInsertRowid), createdAt };
  }

  user(id: number): User | undefined {
    const row = this.#sql.user.get(id) as Row | undefined;
    return row && toUser(row);
  }

  /** Whether an account (approved or waiting) already uses this email address. */
  hasUserWithEmail(email: string): boolean {
    return this.#sql.userWithEmail.get(email) !== undefined;
  }

  pendingUsers(): User[] {
    return this.#sql.pendingUsers.all().map((row) => toUser(row as Row));
  }

  moderateUser(id: number, status: 'approved' | 'rejected'): User | undefined {
    const row = this.#sql.moderateUser.get(status, id) as Row | undefined;
    return row && toUser(row);
  }

  /** Records a verdict; the log keeps the newest {@link LOG_LIMIT} entries. */
  log(entry: NewLogEntry): void {
    const { lastInsertRowid } = this.#sql.insertLog.run(
      entry.form,
      entry.decision,
      entry.verified ? 1 : 0,
      entry.codes,
      entry.reason,
      entry.requestId,
      entry.email,
      entry.ip,
      this.#now(),
    );
    this.#sql.trimLog.run(lastInsertRowid, LOG_LIMIT);
  }

  /** The newest log entries, newest first. */
  recentLog(limit = 100): LogEntry[] {
    return this.#sql.recentLog.all(limit).map((row) => toLogEntry(row as Row));
  }

  /** A session's data (JSON) unless it expired. */
  session(id: string): string | undefined {
    const row = this.#sql.getSession.get(id, this.#now()) as Row | undefined;
    return row === undefined ? undefined : String(row.data);
  }

  /** Saves a session until `expiresAt` (ms since the epoch); expired ones are deleted on the way. */
  saveSession(id: string, data: string, expiresAt: number): void {
    this.#sql.deleteExpiredSessions.run(this.#now());
    this.#sql.setSession.run(id, data, expiresAt);
  }

  deleteSession(id: string): void {
    this.#sql.deleteSession.run(id);
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

/** Runs the migrations the database has not had yet; refuses a database newer than this code. */
function migrate(db: Database.Database): void {
  const version = Number(db.pragma('user_version', { simple: true }));
  if (version > MIGRATIONS.length) {
    throw new Error(
      `The database is at schema version ${version}, newer than this code knows (${MIGRATIONS.length}): run a newer version of the app.`,
    );
  }
  for (let next = version; next < MIGRATIONS.length; next++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[next] as string);
      db.pragma(`user_version = ${next + 1}`);
    }).immediate();
  }
}

function toComment(row: Row): Comment {
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

function toUser(row: Row): User {
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

function toLogEntry(row: Row): LogEntry {
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
