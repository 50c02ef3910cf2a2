import { isIP } from 'node:net';
import type { ResolvedOptions } from './options.js';

/**
 * The live rule lists. Every list is a plain mutable array: a test can `push` to it or empty it
 * and the next request sees the change. Emails and domains compare case-insensitively.
 */
export interface DevServerRules {
  /** Sender IPs always allowed: `ALLOWED_PRIV_LIST`. */
  allowIps: string[];
  /** Sender emails always allowed: `ALLOWED_PRIV_LIST`. */
  allowEmails: string[];
  /** Sender IPs always denied: `DENIED_PRIV_LIST`. */
  denyIps: string[];
  /** Sender emails always denied: `DENIED_PRIV_LIST`. */
  denyEmails: string[];
  /**
   * Blacklisted sender emails: `allow: 0`, `stop_queue: 1`, `FORBIDDEN BL`. Default: CleanTalk's
   * documented test addresses.
   */
  blacklistedEmails: string[];
  /** Blacklisted sender IPs: `FORBIDDEN BL`, and spammy records in the database API. */
  blacklistedIps: string[];
  /** Words that make a message `STOP_LIST`, matched case-insensitively as substrings. */
  stopWords: string[];
  /** Disposable email domains: `EMAIL_DOMAIN_DISPOSABLE`. */
  disposableDomains: string[];
  /** Sender emails held for manual moderation: `MANUAL`, `allow: 0`, `stop_queue: 0`. */
  reviewEmails: string[];
  /**
   * Markers that hold a message for manual moderation (`MANUAL`, `allow: 0`, `stop_queue: 0`),
   * matched case-insensitively as substrings. Default: `moderate_me`.
   */
  reviewWords: string[];
  /** check_newuser emails answered `allow: 1, inactive: 1` (create the account, keep it inactive). */
  inactiveEmails: string[];
  /** Database records answered `"data": "In progress"` the first time they are asked for. */
  inProgressRecords: string[];
  /** A message with more links than this is rejected (`CONTACTS_DATA`). */
  maxLinks: number;
}

/** The documented default lists (see the README's rule table). */
export function defaultRules(options: ResolvedOptions): DevServerRules {
  return {
    allowIps: [...options.allowIps],
    allowEmails: [...options.allowEmails],
    denyIps: [...options.denyIps],
    denyEmails: [...options.denyEmails],
    blacklistedEmails: ['stop_email@example.com', 's@cleantalk.org'],
    blacklistedIps: ['192.0.2.66', '198.51.100.66', '203.0.113.66', '2001:db8::66'],
    stopWords: ['stop_word'],
    disposableDomains: [
      'mailinator.com',
      'yopmail.com',
      '10minutemail.com',
      'guerrillamail.com',
      'temp-mail.org',
    ],
    reviewEmails: ['review@example.com'],
    reviewWords: ['moderate_me'],
    inactiveEmails: ['inactive@example.com'],
    inProgressRecords: ['in-progress@example.com'],
    maxLinks: 3,
  };
}

/** Case-insensitive membership for emails and domains; IPs are compared in canonical form. */
export function listHas(list: readonly string[], value: string): boolean {
  const wanted = value.trim().toLowerCase();
  return wanted !== '' && list.some((item) => item.trim().toLowerCase() === wanted);
}

/** The domain of an email address, lower-cased, or `''`. */
export function emailDomain(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0
    ? ''
    : email
        .slice(at + 1)
        .trim()
        .toLowerCase();
}

/** How many links a text carries: `http://`, `https://` and bare `www.` addresses. */
export function countLinks(text: string): number {
  return text.match(/\bhttps?:\/\/|(?<![/\w.])www\.[a-z0-9-]/gi)?.length ?? 0;
}

/**
 * The canonical text of an IP address, so `2001:DB8::66`, `2001:db8:0:0:0:0:0:66` and an
 * IPv4-mapped `::ffff:192.0.2.66` match the list entries they mean. Anything else is lower-cased.
 */
export function canonicalIp(value: string): string {
  const text = value.trim().toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (mapped?.[1] && isIP(mapped[1]) === 4) return mapped[1];
  if (isIP(text) === 6) {
    // node:net takes a zone id (`fe80::1%eth0`) that the URL parser refuses: keep the zone as it is.
    const zone = text.indexOf('%');
    const address = zone < 0 ? text : text.slice(0, zone);
    try {
      return new URL(`http://[${address}]/`).hostname.slice(1, -1) + (zone < 0 ? '' : text.slice(zone));
    } catch {
      return text;
    }
  }
  return text;
}

/** Membership of an IP address in a list of addresses, in canonical form. */
export function ipListHas(list: readonly string[], ip: string): boolean {
  const wanted = canonicalIp(ip);
  return wanted !== '' && list.some((item) => canonicalIp(item) === wanted);
}
