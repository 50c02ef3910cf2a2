import { OptionsError } from '../errors.js';
import { describe, validateInteger } from '../options.js';
import type { StartTokenCheck, StartTokenVerifier } from '../start-token.js';
import { decodeBase64Url, encodeBase64Url } from './base64url.js';
import { createMemoryReplayStore, type ReplayStore } from './replay-store.js';

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
   * sooner is reported as `early` (faster than a person fills a form).
   * @default 0
   */
  minAgeMs?: number;
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
  /** A new token, signed with the current secret: an opaque base64url string. */
  issue(): Promise<string>;
  /**
   * Checks a token's signature and age, then marks it used. Never throws: a bad token answers
   * `{ ok: false, problem }`.
   */
  verify(token: string): Promise<StartTokenCheck>;
}

const VERSION = 1;
const NONCE_BYTES = 16;
const SIGNATURE_BYTES = 32;
const PAYLOAD_BYTES = 1 + 8 + NONCE_BYTES;
const TOKEN_BYTES = PAYLOAD_BYTES + SIGNATURE_BYTES;
const TOKEN_PATTERN = new RegExp(`^[A-Za-z0-9_-]{${Math.ceil((TOKEN_BYTES * 4) / 3)}}$`);
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
 */
export function createStartTokens(options: StartTokensOptions): StartTokens {
  if (options === null || typeof options !== 'object') {
    throw new OptionsError('options', `expected an object, got ${describe(options)}`);
  }
  const secrets = validateSecrets(options.secrets);
  const maxAgeMs = validateInteger('maxAgeMs', options.maxAgeMs ?? 4 * 3_600_000, 1_000, MAX_AGE_LIMIT_MS);
  const minAgeMs = validateInteger('minAgeMs', options.minAgeMs ?? 0, 0, maxAgeMs - 1);
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

  async function issue(): Promise<string> {
    const token = new Uint8Array(TOKEN_BYTES);
    const view = new DataView(token.buffer);
    view.setUint8(0, VERSION);
    view.setBigUint64(1, BigInt(Math.floor(now())));
    crypto.getRandomValues(token.subarray(9, PAYLOAD_BYTES));
    const [current] = await importKeys();
    const signature = await subtle.sign('HMAC', current!, token.subarray(0, PAYLOAD_BYTES));
    token.set(new Uint8Array(signature), PAYLOAD_BYTES);
    return encodeBase64Url(token);
  }

  async function verify(token: string): Promise<StartTokenCheck> {
    if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) return { ok: false, problem: 'malformed' };
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

    const nonce = encodeBase64Url(bytes.subarray(9, PAYLOAD_BYTES));
    try {
      // Remember the nonce as long as the token could still be presented, skew included.
      if (!(await replayStore.claim(nonce, maxAgeMs - age + CLOCK_SKEW_MS))) {
        return { ok: false, problem: 'replayed' };
      }
    } catch {
      return { ok: false, problem: 'unavailable' };
    }
    return { ok: true, issuedAt: Math.min(issuedAt, at) };
  }

  return { issue, verify };
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
