import { createHash, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/** Who may open the admin area (`/moderation`, `/log`). */
export interface AdminCredentials {
  /** The administrator's user name. */
  user: string;
  /**
   * The password as an Argon2id hash in PHC format (`$argon2id$v=19$…`), as
   * {@link hashPassword} or `pnpm -F example-fastify-comments hash-password` writes it.
   */
  passwordHash: string;
}

/**
 * Hashes a password with Argon2id (OWASP's first choice for password storage) at
 * @node-rs/argon2's defaults: 19 MiB of memory, 2 passes, one lane. Runs on libuv's thread pool,
 * not on the event loop.
 */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** Whether a string is a PHC-format Argon2 hash this app can verify against. */
export function isPasswordHash(value: string): boolean {
  return /^\$argon2(id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/.test(value);
}

/**
 * Checks a login. The password is verified whatever the user name, and the names are compared in
 * constant time, so the answer's timing tells an attacker neither whether the name was right nor
 * how much of it.
 */
export async function checkLogin(
  credentials: AdminCredentials,
  user: string,
  password: string,
): Promise<boolean> {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  const userMatches = timingSafeEqual(digest(user), digest(credentials.user));
  let passwordMatches = false;
  try {
    passwordMatches = await verify(credentials.passwordHash, password);
  } catch {
    // A malformed stored hash is caught when the configuration is read; never let a login throw.
  }
  return userMatches && passwordMatches;
}
