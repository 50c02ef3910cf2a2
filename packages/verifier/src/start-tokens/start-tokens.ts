import { START_TOKEN_PATTERN } from '@ct-protected-form/fields';
import { OptionsError } from '../errors.js';
import { describe, validateInteger } from '../options.js';
import { decodeBase64Url, encodeBase64Url } from './base64url.js';
import { createMemoryReplayStore, type ReplayStore } from './replay-store.js';
import { ReplayStoreError } from './replay-store-error.js';
import { DEFAULT_SESSION_COOKIE, isSessionId } from './session-cookie.js';
import type { StartTokenCheck, StartTokenContext, StartTokenVerifier } from './start-token-verifier.js';

/** Options of {@link createStartTokens}. Validated once, at creation. */
export interface StartTokensOptions {
  /**
   * HMAC secrets, at least 32 bytes each (a string counts its UTF-8 bytes): the current one first,
   * then previous ones still accepted during a rotation. Tokens are signed with the first.
   * Generate one with `openssl rand -base64 48`.
   */
  secrets: readonly (string | Uint8Array)[];
  /**
   * How long a token stays valid after it was issued, in milliseconds. An older token is `expired`.
   * @default 14400000 (4 hours)
   */
  maxAgeMs?: number;
  /**
   * How long a token must have existed before it is accepted, in milliseconds. A form sent back
   * sooner is reported as `early`: faster than a person reads and fills a form, and it keeps a
   * bot from fetching a token and posting with it at once. `0` turns the check off.
   * @default 3000
   */
  minAgeMs?: number;
  /**
   * The cookie holding the visitor's session id, set by an adapter's start-token route (`HttpOnly`,
   * `SameSite=Lax`). A token issued for a session is `foreign` when sent back without that cookie,
   * so a token harvested in one session fails in another.
   * @default 'ct_pf_session'
   */
  cookieName?: string;
  /**
   * Where used tokens are remembered. Share one store between instances (see
   * `@ct-protected-form/verifier/redis`).
   * @default createMemoryReplayStore()
   */
  replayStore?: ReplayStore;
  /**
   * The clock, in milliseconds since the epoch.
   * @default Date.now
   */
  now?: () => number;
}

/** Issues and verifies signed, single-use start tokens. Pass it as `startTokens` to the verifier or an adapter. */
export interface StartTokens extends StartTokenVerifier {
  /**
   * A new token, signed with the current secret: an opaque base64url string. With `session`, the
   * token is bound to it (adapters' start-token routes do this with their session cookie); without,
   * it is accepted under any session (e.g. a token printed into a server-rendered page).
   */
  issue(context?: StartTokenContext): Promise<string>;
  /**
   * Checks a token's signature, age and session, then marks it used. Never throws: a bad token
   * answers `{ ok: false, problem }`.
   */
  verify(token: string, context?: StartTokenContext): Promise<StartTokenCheck>;
  /** The session cookie's name. */
  readonly cookieName: string;
}

const VERSION = 2;
const NONCE_BYTES = 16;
/**
 * A truncated SHA-256 of the session id, or zeros for a token bound to no session. 18 bytes make
 * the token a multiple of 3 bytes: its base64url has no spare bits, so one token has one spelling.
 */
const BINDING_BYTES = 18;
const SIGNATURE_BYTES = 32;
const NONCE_OFFSET = 9;
const BINDING_OFFSET = NONCE_OFFSET + NONCE_BYTES;
const PAYLOAD_BYTES = BINDING_OFFSET + BINDING_BYTES;
const TOKEN_BYTES = PAYLOAD_BYTES + SIGNATURE_BYTES;
const MIN_SECRET_BYTES = 32;
const MAX_SECRETS = 16;
/** Tolerated clock difference between the instances that issue and verify tokens. */
const CLOCK_SKEW_MS = 60_000;
const MAX_AGE_LIMIT_MS = 30 * 86_400_000;
const HMAC = { name: 'HMAC', hash: 'SHA-256' } as const;

/**
 * Creates a start-token issuer and verifier. A token records, under an HMAC-SHA256 signature, when
 * the page with the form was served; the verifier then measures `submit_time` on the server's clock
 * instead of the visitor's, and a token is accepted once.
 *
 * Uses Web Crypto only, so it runs in Node, Deno, Bun and Workers.
 *
 * @example
 * const startTokens = createStartTokens({ secrets: [process.env.START_TOKEN_SECRET!] });
 * const verifier = createVerifier({ authKey, startTokens });
 * const token = await startTokens.issue(); // into <ct-protected-form start-token="…">
 *
 * Adapters serve bound tokens at their start-token route (rate-limited per client address, with
 * a session cookie); a token from `issue()` without a session is accepted under any session.
 */
export function createStartTokens(options: StartTokensOptions): StartTokens {
  if (options === null || typeof options !== 'object') {
    throw new OptionsError('options', `expected an object, got ${describe(options)}`);
  }
  const secrets = validateSecrets(options.secrets);
  const maxAgeMs = validateInteger('maxAgeMs', options.maxAgeMs ?? 4 * 3_600_000, 1_000, MAX_AGE_LIMIT_MS);
  const minAgeMs = validateInteger('minAgeMs', options.minAgeMs ?? 3_000, 0, maxAgeMs - 1);
  const cookieName = options.cookieName ?? DEFAULT_SESSION_COOKIE;
  if (typeof cookieName !== 'string' || !/^[\w-]{1,64}$/.test(cookieName)) {
    throw new OptionsError(
      'cookieName',
      `expected 1 to 64 letters, digits, '_' or '-', got ${describe(cookieName)}`,
    );
  }
  const replayStore = options.replayStore ?? createMemoryReplayStore();
  if (!replayStore || typeof replayStore.claim !== 'function') {
    throw new OptionsError('replayStore', 'expected an object with a claim(nonce, ttlMs) method');
  }
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw new OptionsError('now', `expected a function, got ${describe(now)}`);
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new OptionsError(
      'secrets',
      'Web Crypto (globalThis.crypto.subtle) is not available in this runtime',
    );
  }

  let keys: Promise<CryptoKey[]> | undefined;
  const importKeys = () => {
    keys ??= Promise.all(
      secrets.map((secret) => subtle.importKey('raw', secret, HMAC, false, ['sign', 'verify'])),
    );
    return keys;
  };

  async function bindingOf(session: string): Promise<Uint8Array> {
    const digest = await subtle.digest('SHA-256', new TextEncoder().encode(session));
    return new Uint8Array(digest, 0, BINDING_BYTES);
  }

  async function issue(context?: StartTokenContext): Promise<string> {
    const token = new Uint8Array(TOKEN_BYTES);
    const view = new DataView(token.buffer);
    view.setUint8(0, VERSION);
    view.setBigUint64(1, BigInt(Math.floor(now())));
    crypto.getRandomValues(token.subarray(NONCE_OFFSET, BINDING_OFFSET));
    const session = context?.session;
    if (session !== undefined) {
      if (!isSessionId(session)) throw new TypeError('issue() expects a session id from newSessionId()');
      token.set(await bindingOf(session), BINDING_OFFSET);
    }
    const [current] = await importKeys();
    const signature = await subtle.sign('HMAC', current!, token.subarray(0, PAYLOAD_BYTES));
    token.set(new Uint8Array(signature), PAYLOAD_BYTES);
    return encodeBase64Url(token);
  }

  async function verify(token: string, context?: StartTokenContext): Promise<StartTokenCheck> {
    if (typeof token !== 'string' || !START_TOKEN_PATTERN.test(token))
      return { ok: false, problem: 'malformed' };
    const bytes = decodeBase64Url(token);
    if (bytes.length !== TOKEN_BYTES || bytes[0] !== VERSION) return { ok: false, problem: 'malformed' };
    const payload = bytes.subarray(0, PAYLOAD_BYTES);
    const signature = bytes.subarray(PAYLOAD_BYTES);

    let candidates: CryptoKey[];
    try {
      candidates = await importKeys();
    } catch {
      return { ok: false, problem: 'unavailable' };
    }
    let authentic = false;
    // subtle.verify compares in constant time; every secret of a rotation is tried.
    for (const key of candidates) {
      if (await subtle.verify('HMAC', key, signature, payload)) {
        authentic = true;
        break;
      }
    }
    if (!authentic) return { ok: false, problem: 'tampered' };

    const issuedAt = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(1));
    const at = now();
    if (issuedAt > at + CLOCK_SKEW_MS) return { ok: false, problem: 'expired' };
    const age = Math.max(0, at - issuedAt);
    if (age > maxAgeMs) return { ok: false, problem: 'expired' };
    if (age < minAgeMs) return { ok: false, problem: 'early' };

    const binding = bytes.subarray(BINDING_OFFSET, PAYLOAD_BYTES);
    if (binding.some((byte) => byte !== 0)) {
      const session = context?.session;
      if (session === undefined || !isSessionId(session)) return { ok: false, problem: 'foreign' };
      const expected = await bindingOf(session);
      // Both sides are public once the signature holds: a plain comparison leaks nothing.
      if (!expected.every((byte, index) => byte === binding[index])) return { ok: false, problem: 'foreign' };
    }

    const nonce = encodeBase64Url(bytes.subarray(NONCE_OFFSET, BINDING_OFFSET));
    try {
      // Remember the nonce as long as the token could still be presented, skew included.
      if (!(await replayStore.claim(nonce, maxAgeMs - age + CLOCK_SKEW_MS))) {
        return { ok: false, problem: 'replayed' };
      }
    } catch (error) {
      // A full store must not hold every visitor: the token is genuine, only its single use is unknown.
      if (error instanceof ReplayStoreError && error.full) {
        return { ok: true, issuedAt: Math.min(issuedAt, at), replayChecked: false };
      }
      return { ok: false, problem: 'unavailable' };
    }
    return { ok: true, issuedAt: Math.min(issuedAt, at) };
  }

  return { issue, verify, cookieName };
}

function validateSecrets(value: unknown): Uint8Array<ArrayBuffer>[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new OptionsError(
      'secrets',
      `expected a non-empty array of secrets (current first), got ${describe(value)}`,
    );
  }
  if (value.length > MAX_SECRETS) {
    throw new OptionsError('secrets', `expected at most ${MAX_SECRETS} secrets, got ${value.length}`);
  }
  return value.map((secret: unknown, index) => {
    let bytes: Uint8Array<ArrayBuffer>;
    if (typeof secret === 'string') bytes = new TextEncoder().encode(secret);
    else if (secret instanceof Uint8Array) bytes = new Uint8Array(secret);
    else
      throw new OptionsError(`secrets[${index}]`, `expected a string or Uint8Array, got ${describe(secret)}`);
    if (bytes.length < MIN_SECRET_BYTES) {
      // Never repeat the secret, not even a short one.
      throw new OptionsError(
        `secrets[${index}]`,
        `expected at least ${MIN_SECRET_BYTES} bytes, got ${bytes.length} (value not shown); generate one with \`openssl rand -base64 48\``,
      );
    }
    return bytes;
  });
}
