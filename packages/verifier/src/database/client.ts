import { defaultTransport } from '#default-transport';
import { OptionsError } from '../errors.js';
import {
  DEFAULT_DATABASE_ENDPOINT,
  DEFAULT_MAX_CONNECTIONS,
  describe,
  validateAuthKey,
  validateFunction,
  validateInteger,
  validateUrl,
} from '../options.js';
import { fromFetch } from '../transport/from-fetch.js';
import type { DatabaseContext } from './call.js';
import { type CheckKeyOptions, checkKey, type KeyStatus } from './check-key.js';
import { type IpInfoOptions, type IpInfoReport, ipInfo } from './ip-info.js';
import { type SpamCheckOptions, type SpamCheckReport, spamCheck } from './spam-check.js';

/** Options of {@link createDatabaseClient}. Validated once, at construction. */
export interface DatabaseClientOptions {
  /** The CleanTalk access key. Secret: it is sent to CleanTalk and nowhere else. */
  authKey: string;
  /**
   * The database API endpoint.
   * @default 'https://api.cleantalk.org/'
   */
  endpoint?: string | URL;
  /**
   * Extra attempts after a connection-level failure. Lookups are idempotent, so a connection that
   * broke after the request went out is retried too.
   * @default 1
   */
  retries?: number;
  /**
   * The `fetch` used to reach CleanTalk, e.g. `globalThis.fetch` for a global undici dispatcher.
   * @default a kept-alive node:http client on Node, else globalThis.fetch
   */
  fetch?: typeof globalThis.fetch;
}

/** CleanTalk's database API: questions about emails and IPs asked without a form submission. */
export interface DatabaseClient {
  /**
   * Checks emails and IPs against CleanTalk's spam database (`spam_check`), 1000 a call, waiting
   * out rate limits and "In progress" answers within bounds. One result per record, in order.
   */
  spamCheck(records: readonly string[], options?: SpamCheckOptions): Promise<SpamCheckReport>;
  /** Looks up the country of IPs (`ip_info`), 1000 a call. One result per IP, in order. */
  ipInfo(ips: readonly string[], options?: IpInfoOptions): Promise<IpInfoReport>;
  /** Validates the access key without spending a check (`notice_paid_till`). */
  checkKey(options?: CheckKeyOptions): Promise<KeyStatus>;
}

/**
 * Creates a database API client. Throws an `OptionsError` naming the option when one is missing or
 * ill-formed. Kept apart from `createVerifier` so a server that only checks forms never loads the
 * batching, retry and record-parsing code this API needs.
 *
 * @example
 * const database = createDatabaseClient({ authKey: process.env.CLEANTALK_AUTH_KEY ?? '' });
 * const { results } = await database.spamCheck(['ann@example.com', '203.0.113.5']);
 */
export function createDatabaseClient(options: DatabaseClientOptions): DatabaseClient {
  if (options === null || typeof options !== 'object') {
    throw new OptionsError('options', `expected an object, got ${describe(options)}`);
  }
  const context: DatabaseContext = {
    authKey: validateAuthKey(options.authKey),
    endpoint: validateUrl('endpoint', options.endpoint ?? DEFAULT_DATABASE_ENDPOINT),
    transport:
      options.fetch === undefined
        ? defaultTransport(DEFAULT_MAX_CONNECTIONS)
        : fromFetch(validateFunction('fetch', options.fetch)),
    retries: validateInteger('retries', options.retries ?? 1, 0, 5),
  };
  return {
    spamCheck: (records, spamCheckOptions) => spamCheck(context, records, spamCheckOptions),
    ipInfo: (ips, ipInfoOptions) => ipInfo(context, ips, ipInfoOptions),
    checkKey: (checkKeyOptions) => checkKey(context, checkKeyOptions),
  };
}
