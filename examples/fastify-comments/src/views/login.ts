import { notice } from './forms.js';
import { html, type SafeHtml } from './html.js';
import { page, type Site } from './layout.js';

export interface LoginPageOptions {
  csrfToken: string;
  /** Where to go after logging in: an admin page (checked by the route). */
  next: string;
  /** The user name typed, shown again after a failed attempt. */
  user?: string;
  formNotice?: SafeHtml;
}

/** The administrators' login form. */
export function loginPage(site: Site, options: LoginPageOptions): string {
  return page(site, {
    title: 'Log in',
    main: html`<h1>Log in</h1>
<p>The moderation queue and the log of checks are for the site's administrators.</p>
${options.formNotice ?? ''}
<form class="card form" method="post" action="/login">
  <input type="hidden" name="_csrf" value="${options.csrfToken}">
  <input type="hidden" name="next" value="${options.next}">
  <label>User <input name="user" required maxlength="100" autocomplete="username" value="${options.user ?? ''}"></label>
  <label>Password <input name="password" type="password" required maxlength="1000" autocomplete="current-password"></label>
  <button type="submit">Log in</button>
</form>`,
  });
}

/** The answer to an admin request that cannot be served: not logged in, or a form without its CSRF token. */
export function deniedPage(site: Site, title: string, text: string): string {
  return page(site, {
    title,
    main: html`<h1>${title}</h1>
${notice('error', text)}
<p><a href="/login">Log in</a> · <a href="/">Back to the posts</a></p>`,
  });
}
