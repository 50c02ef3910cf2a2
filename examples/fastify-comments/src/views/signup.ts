import type { User } from '../db.js';
import { type FormValues, notice, type Protection, signupForm } from './forms.js';
import { html, type SafeHtml } from './html.js';
import { page, type Site } from './layout.js';

export function signupPage(
  site: Site,
  protection: Protection,
  values: FormValues = {},
  formNotice?: SafeHtml,
): string {
  return page(site, {
    title: 'Sign up',
    widget: true,
    main: html`<h1>Create an account</h1>
<p>Get an email when someone answers your comment.</p>
${formNotice ?? ''}
${signupForm(protection, values)}`,
  });
}

/** What happened to a sign-up that was not blocked. */
export function signupDonePage(site: Site, user: User): string {
  const message =
    user.status === 'pending'
      ? notice('ok', 'Thank you! Your sign-up is being reviewed.', 'We will email you once it is approved.')
      : user.inactive
        ? notice(
            'ok',
            `Welcome, ${user.name}! One more step.`,
            `We sent a link to ${user.email}: your account becomes active once you confirm it.`,
          )
        : notice('ok', `Welcome, ${user.name}!`, 'Your account is ready.');
  return page(site, {
    title: 'Sign up',
    main: html`<h1>Create an account</h1>
${message}
<p><a href="/">Back to the posts</a></p>`,
  });
}
