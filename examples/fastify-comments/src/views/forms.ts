import type { Post } from '../content.js';
import { html, type SafeHtml } from './html.js';

/** How the server configures `<ct-protected-form>`. */
export interface Protection {
  /** `detector-src`: the bot detector's URL (CleanTalk's, or the local devserver's stand-in). */
  detectorSrc: string;
  /** `start-token-url`: where the element fetches a signed start token. */
  startTokenUrl: string;
}

/** Values a visitor typed, shown again when a form comes back (blocked, or invalid). */
export type FormValues = Record<string, string>;

/**
 * Wraps a form in `<ct-protected-form>`: the only change the protection needs in the markup.
 * `honeypot` adds the trap field `ct_hp`, off-screen and skipped by keyboards, screen readers and
 * password managers: a bot that fills every input fills it, and the verifier blocks the submission
 * without spending a check.
 */
export function protectedForm(protection: Protection, form: SafeHtml): SafeHtml {
  return html`<ct-protected-form detector-src="${protection.detectorSrc}" start-token-url="${protection.startTokenUrl}" honeypot>
${form}
</ct-protected-form>`;
}

export function commentForm(protection: Protection, post: Post, values: FormValues = {}): SafeHtml {
  return protectedForm(
    protection,
    html`<form class="card form" method="post" action="/comments">
  <input type="hidden" name="post" value="${post.slug}">
  <div class="row">
    <label>Name <input name="name" required maxlength="100" autocomplete="name" value="${values.name ?? ''}"></label>
    <label>Email <input name="email" type="email" required maxlength="254" autocomplete="email" value="${values.email ?? ''}"></label>
  </div>
  <label>Comment <textarea name="message" required maxlength="5000" rows="5">${values.message ?? ''}</textarea></label>
  <p class="hint">Your email is not published.</p>
  <button type="submit">Post comment</button>
</form>`,
  );
}

export function signupForm(protection: Protection, values: FormValues = {}): SafeHtml {
  return protectedForm(
    protection,
    html`<form class="card form" method="post" action="/signup">
  <label>Name <input name="name" required maxlength="100" autocomplete="name" value="${values.name ?? ''}"></label>
  <label>Email <input name="email" type="email" required maxlength="254" autocomplete="email" value="${values.email ?? ''}"></label>
  <button type="submit">Create account</button>
</form>`,
  );
}

/** A notice above a form or a list: `error`, `warning` or `ok`. */
export function notice(kind: 'error' | 'warning' | 'ok', title: string, text?: string): SafeHtml {
  return html`<div class="notice notice-${kind}" role="${kind === 'error' ? 'alert' : 'status'}">
  <strong>${title}</strong>${text ? html`<p>${text}</p>` : ''}
</div>`;
}
