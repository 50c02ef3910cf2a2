import { FIELDS } from '@ct-protected-form/fields';
import type { StartTokenVerifier } from '@ct-protected-form/verifier';

/**
 * Start tokens for tests about something else: `stub:<seconds>` is a valid token issued that many
 * seconds ago, anything else is tampered. Signing, replays and sessions have tests of their own.
 */
export const stubStartTokens: StartTokenVerifier = {
  async verify(token) {
    const match = /^stub:(\d+)$/.exec(token);
    return match
      ? { ok: true, issuedAt: Date.now() - Number(match[1]) * 1000 }
      : { ok: false, problem: 'tampered' };
  },
};

/**
 * The hidden fields `<ct-protected-form>` adds to a form shown `secondsAgo` ago, with a start token
 * that {@link stubStartTokens} accepts.
 */
export function widgetFields(secondsAgo = 12, extra: Record<string, string> = {}): Record<string, string> {
  const startedAt = String(Date.now() - secondsAgo * 1000);
  return {
    [FIELDS.startToken]: `stub:${secondsAgo}`,
    [FIELDS.startedAt]: startedAt,
    [FIELDS.submittedAt]: String(Number(startedAt) + secondsAgo * 1000),
    [FIELDS.timeZone]: 'Europe/Berlin',
    [FIELDS.tzOffset]: '60',
    [FIELDS.pageUrl]: 'https://blog.example/contact',
    [FIELDS.referrer]: 'https://search.example/',
    ...extra,
  };
}

/** A person's contact form with the widget's hidden fields. */
export function contactForm(overrides: Record<string, string> = {}, hidden: Record<string, string> = {}) {
  return {
    email: 'ann@example.com',
    name: 'Ann',
    message: 'What a lovely garden.',
    ...widgetFields(12, hidden),
    ...overrides,
  };
}

/** A urlencoded body from entries (repeated names allowed). */
export function urlencoded(fields: Record<string, string> | [string, string][]): string {
  return new URLSearchParams(Array.isArray(fields) ? fields : Object.entries(fields)).toString();
}

/** A multipart body and its content type, as a browser sends it. */
export async function multipart(
  fields: Record<string, string>,
  files: Record<string, File> = {},
): Promise<{ body: Buffer; contentType: string }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const [name, file] of Object.entries(files)) form.append(name, file);
  const request = new Request('http://x/', { method: 'POST', body: form });
  return {
    body: Buffer.from(await request.arrayBuffer()),
    contentType: request.headers.get('content-type') ?? '',
  };
}

export const CONTRACT_FIELD = /^ct_/;
