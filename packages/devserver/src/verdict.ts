import { decodeCompressedText } from './compressed-text.js';
import { SPECIAL_KEYS, type SpecialKey } from './options.js';
import { countLinks, type DevServerRules, emailDomain, ipListHas, listHas } from './rules.js';
import type { TokenStore } from './tokens.js';

/** The decision part of a check_message / check_newuser answer. */
export interface Verdict {
  allow: 0 | 1;
  /** Space-separated codes. */
  codes: string;
  comment: string;
  spam: 0 | 1;
  blacklisted: 0 | 1;
  js_disabled: 0 | 1;
  fast_submit: 0 | 1;
  stop_queue: 0 | 1;
  inactive: 0 | 1;
  account_status: 0 | 1;
}

/** What the rules consult besides the request itself. */
export interface VerdictContext {
  rules: DevServerRules;
  authKeys: readonly string[];
  tokens: TokenStore;
}

const PASS: Verdict = {
  allow: 1,
  codes: 'ALLOWED',
  comment: '',
  spam: 0,
  blacklisted: 0,
  js_disabled: 0,
  fast_submit: 0,
  stop_queue: 0,
  inactive: 0,
  account_status: 1,
};

const LICENCE_COMMENTS: Record<string, string> = {
  KEY_NOT_FOUND: '*** Access key is not valid. Check the access key in the settings. ***',
  TRIAL_EXPIRED: '*** The trial period of this access key has expired. ***',
  SERVICE_DISABLED: '*** The service is disabled for this access key. ***',
  SERVICE_FREEZED: '*** The service is frozen for this access key. ***',
};

/**
 * The licence check shared by every real-time method: `undefined` when the key is accepted,
 * else the code that says why not (`KEY_NOT_FOUND`, `TRIAL_EXPIRED`, `SERVICE_DISABLED`,
 * `SERVICE_FREEZED`). The special keys win even when listed in `authKeys`.
 */
export function licenceProblem(authKey: unknown, authKeys: readonly string[]): string | undefined {
  if (typeof authKey !== 'string') return 'KEY_NOT_FOUND';
  if (Object.hasOwn(SPECIAL_KEYS, authKey)) return SPECIAL_KEYS[authKey as SpecialKey];
  return authKeys.includes(authKey) ? undefined : 'KEY_NOT_FOUND';
}

/** The comment that goes with a licence code. */
export function licenceComment(code: string): string {
  return LICENCE_COMMENTS[code] ?? LICENCE_COMMENTS.KEY_NOT_FOUND!;
}

/** Past this depth, nested arrays and objects of a request field are ignored, not walked. */
const MAX_TEXT_DEPTH = 32;

function text(value: unknown, depth = 0): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') {
    if (depth >= MAX_TEXT_DEPTH) return '';
    return Object.values(value)
      .map((item) => text(item, depth + 1))
      .join('\n');
  }
  return String(value);
}

/** A number, or a numeric string (`"2"`); NaN for anything else, objects included. */
function numeric(value: unknown): number {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
}

function isOne(value: unknown): boolean {
  return value === 1 || value === '1' || value === true;
}

/**
 * A refusal. CleanTalk's `stop_queue: 1` means "definitely spam, reject at once", which is what
 * every rule but manual moderation answers; `stop_queue: 0` (with `allow: 0`) sends a message to
 * the site's moderation queue.
 */
function deny(codes: string, comment: string, extra: Partial<Verdict> = {}): Verdict {
  return { ...PASS, allow: 0, stop_queue: 1, codes, comment, ...extra };
}

/**
 * Decides a check_message or check_newuser request. The rules run in the documented order and
 * the first one that matches decides (see the README's rule table).
 */
export function decide(method: string, body: Record<string, unknown>, context: VerdictContext): Verdict {
  const { rules } = context;
  const email = text(body.sender_email).trim();
  const ip = text(body.sender_ip).trim();
  const message = decodeCompressedText(text(body.message));
  const lowerMessage = message.toLowerCase();

  // 1. The access key.
  const problem = licenceProblem(body.auth_key, context.authKeys);
  if (problem) return deny(problem, licenceComment(problem), { account_status: 0 });

  // 2. Private allow lists, then 3. private deny lists.
  if (ipListHas(rules.allowIps, ip) || listHas(rules.allowEmails, email)) {
    return { ...PASS, codes: 'ALLOWED_PRIV_LIST' };
  }
  if (ipListHas(rules.denyIps, ip) || listHas(rules.denyEmails, email)) {
    return deny('DENIED_PRIV_LIST', '*** Forbidden. Sender is in the private deny list. ***', { spam: 1 });
  }

  // 4. Blacklisted sender.
  if (listHas(rules.blacklistedEmails, email) || ipListHas(rules.blacklistedIps, ip)) {
    return deny('FORBIDDEN BL', '*** Forbidden. Sender blacklisted. ***', { spam: 1, blacklisted: 1 });
  }

  // 5. Stop words. The comment carries HTML, as CleanTalk's often do: clients must strip it.
  if (rules.stopWords.some((word) => word !== '' && lowerMessage.includes(word.toLowerCase()))) {
    return deny(
      'STOP_LIST',
      '*** <p>Forbidden. The message contains a <a href="https://cleantalk.org/help/stop-words" target="_blank">stop word</a>.</p> ***',
      { spam: 1 },
    );
  }

  // 6. Disposable email domain.
  if (email !== '' && listHas(rules.disposableDomains, emailDomain(email))) {
    return deny(
      'EMAIL_DOMAIN_DISPOSABLE',
      '*** Forbidden. Disposable email addresses are not accepted. ***',
      {
        spam: 1,
      },
    );
  }

  // 7. Link stuffing.
  if (countLinks(message) > rules.maxLinks) {
    return deny('CONTACTS_DATA', '*** Forbidden. The message contains too many links. ***', { spam: 1 });
  }

  // 8. Manual moderation, then 9. inactive accounts (check_newuser only).
  if (
    listHas(rules.reviewEmails, email) ||
    rules.reviewWords.some((word) => word !== '' && lowerMessage.includes(word.toLowerCase()))
  ) {
    return deny('MANUAL', '*** The message will be published after manual moderation. ***', {
      stop_queue: 0,
    });
  }
  if (method === 'check_newuser' && listHas(rules.inactiveEmails, email)) {
    return { ...PASS, inactive: 1, comment: '*** The account is to be created inactive. ***' };
  }

  // 10. No bot-detector token this server issued: JavaScript must be proven, 11. and the visitor not too quick.
  if (!context.tokens.has(body.event_token)) {
    if (!isOne(body.js_on)) {
      return deny('JS_DISABLED', '*** Forbidden. Please enable JavaScript. ***', { js_disabled: 1 });
    }
    const submitTime = numeric(body.submit_time);
    if (Number.isFinite(submitTime) && submitTime < 3) {
      return deny('FAST_SUBMIT', '*** Forbidden. The form was submitted too quickly. ***', {
        fast_submit: 1,
      });
    }
  }

  // 12. Everything else.
  return { ...PASS };
}
