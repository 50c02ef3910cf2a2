import { toFlag, toNumber } from '../check/answer.js';
import { ResponseError } from '../errors.js';
import { type DatabaseCallOptions, resolveCallOptions } from './batch.js';
import { callDatabase, type DatabaseContext } from './call.js';

/** What `notice_paid_till` says about the access key. */
export interface KeyStatus {
  /** CleanTalk knows the key and its service is active (`valid`). */
  valid: boolean;
  /** When the paid period ends, as CleanTalk wrote it (`paid_till`), when sent. */
  paidTill?: string;
  /** The account is on a trial (`trial`), when sent. */
  trial?: boolean;
  /** CleanTalk's product id (`product_id`), when sent. */
  productId?: number;
  /** CleanTalk's `data` as sent, fields not listed here included. */
  raw: Record<string, unknown>;
}

/** Options of `verifier.checkKey()`. Calls are not repeated beyond the connection retries. */
export type CheckKeyOptions = Omit<DatabaseCallOptions, 'retry'>;

/**
 * Validates the access key without spending a check (`notice_paid_till`). Resolves `valid: false`
 * for a key CleanTalk does not accept; rejects with a typed error (`ApiError`, `TimeoutError`,
 * `ConnectionError`, …) when CleanTalk could not say.
 */
export async function checkKey(context: DatabaseContext, options: CheckKeyOptions = {}): Promise<KeyStatus> {
  const settings = resolveCallOptions({ ...options, retry: undefined });
  const answer = await callDatabase(context, {
    method: 'notice_paid_till',
    timeoutMs: settings.timeoutMs,
    signal: settings.signal,
  });
  const data = answer.data;
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new ResponseError('CleanTalk notice_paid_till', 'the "data" field is missing or not an object');
  }
  const raw = data as Record<string, unknown>;
  const valid = toFlag(raw.valid);
  if (valid === undefined)
    throw new ResponseError('CleanTalk notice_paid_till', 'the "valid" field is missing or not 0/1');
  const status: KeyStatus = { valid, raw };
  if (typeof raw.paid_till === 'string' && raw.paid_till !== '')
    status.paidTill = raw.paid_till.slice(0, 100);
  const trial = toFlag(raw.trial);
  if (trial !== undefined) status.trial = trial;
  const productId = toNumber(raw.product_id);
  if (productId !== undefined) status.productId = productId;
  return status;
}
