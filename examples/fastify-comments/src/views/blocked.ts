import { html, type SafeHtml } from './html.js';
import { page, type Site } from './layout.js';

export interface BlockedPageOptions {
  title: string;
  /** The verdict's display-safe reason (plain text, escaped here once more). */
  reason: string;
  /** CleanTalk's request id: what the site owner needs to look the check up. */
  requestId?: string | undefined;
  /** The form again, filled with everything the visitor typed. */
  form: SafeHtml;
  backHref: string;
  backText: string;
}

/** The answer to a blocked submission (HTTP 403): why, and the form with nothing lost. */
export function blockedPage(site: Site, options: BlockedPageOptions): string {
  return page(site, {
    title: options.title,
    widget: true,
    main: html`<h1>${options.title}</h1>
<div class="notice notice-error" role="alert">
  <strong class="reason">${options.reason}</strong>
  <p>Nothing you typed is lost: it is all in the form below. If you think this is a mistake, contact the site${
    options.requestId ? html` and quote the check <code class="request-id">${options.requestId}</code>` : ''
  }.</p>
</div>
${options.form}
<p><a href="${options.backHref}">${options.backText}</a></p>`,
  });
}
