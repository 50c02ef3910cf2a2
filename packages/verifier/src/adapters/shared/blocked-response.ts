import type { Verdict } from '../../check/verdict.js';

/** A framework-neutral HTTP answer. */
export interface PlainResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const FALLBACK_REASON = 'Your submission was rejected.';

/**
 * The default answer to a blocked submission: 403 with the verdict's display-safe reason, as JSON
 * when the client prefers it (`Accept`), else as a small HTML page with the reason escaped.
 */
export function blockedResponse(verdict: Verdict, accept: string | undefined): PlainResponse {
  const reason = verdict.reason || FALLBACK_REASON;
  const headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
  if (prefersJson(accept)) {
    return {
      status: 403,
      headers: { ...headers, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ statusCode: 403, code: 'CT_BLOCKED', error: 'Forbidden', message: reason }),
    };
  }
  return {
    status: 403,
    headers: { ...headers, 'content-type': 'text/html; charset=utf-8' },
    body: `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>Submission rejected</title></head>\n<body><h1>Submission rejected</h1><p>${escapeHtml(reason)}</p></body></html>\n`,
  };
}

/** A plain-text reason made safe for HTML text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * True when `Accept` ranks JSON above HTML. A browser's form post (`text/html,…`) gets HTML; a
 * script asking for `application/json`, alone or before a wildcard, gets JSON; no header or a
 * wildcard alone gets HTML.
 */
export function prefersJson(accept: string | undefined): boolean {
  if (!accept) return false;
  const json = quality(accept, 'application', 'json');
  const html = quality(accept, 'text', 'html');
  // Equal weights: the type the client named explicitly wins over one it only covers by a wildcard.
  return json.q > html.q || (json.q === html.q && json.q > 0 && json.specificity > html.specificity);
}

function quality(accept: string, type: string, subtype: string): { q: number; specificity: number } {
  let q = -1;
  let specificity = -1;
  for (const part of accept.slice(0, 2_000).split(',')) {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    const [t, s] = range.trim().split('/');
    let rank: number;
    if (t === type && s === subtype) rank = 2;
    else if (t === type && s === '*') rank = 1;
    else if (t === '*' && s === '*') rank = 0;
    else continue;
    if (rank <= specificity) continue;
    specificity = rank;
    q = 1;
    for (const param of params) {
      const [key, value] = param.trim().split('=');
      if (key === 'q') q = Math.min(1, Math.max(0, Number(value) || 0));
    }
  }
  return { q, specificity };
}
