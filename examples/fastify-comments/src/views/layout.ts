import { html, type SafeHtml } from './html.js';

/** What every page needs to know about the site. */
export interface Site {
  name: string;
  /** URL of the `<ct-protected-form>` script (the standalone build), for pages with forms. */
  widgetScriptUrl: string;
}

export interface PageOptions {
  title: string;
  main: SafeHtml;
  /** Load the widget: only pages with a protected form need it. */
  widget?: boolean;
  /** A wider page, for tables. */
  wide?: boolean;
  /**
   * A page of the admin area, for a logged-in administrator: the navigation links the queue and the
   * log, and a log-out button carrying the CSRF token. Visitors' pages do not mention the admin area.
   */
  admin?: { user: string; csrfToken: string } | undefined;
}

/** The page shell: head, navigation, main content, footer. */
export function page(site: Site, options: PageOptions): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · ${site.name}</title>
<link rel="stylesheet" href="/assets/site.css">
${options.widget ? html`<script src="${site.widgetScriptUrl}" defer></script>` : ''}
</head>
<body${options.wide ? html` class="wide"` : ''}>
<header class="site-header">
  <a class="site-name" href="/">${site.name}</a>
  <nav>
    <a href="/">Posts</a>
    <a href="/signup">Sign up</a>
    ${
      options.admin
        ? html`<a href="/moderation">Moderation</a>
    <a href="/log">Log</a>
    <form class="logout" method="post" action="/logout">
      <input type="hidden" name="_csrf" value="${options.admin.csrfToken}">
      <button type="submit">Log out ${options.admin.user}</button>
    </form>`
        : ''
    }
  </nav>
</header>
<main>
${options.main}
</main>
<footer class="site-footer">Forms protected by CleanTalk through <code>&lt;ct-protected-form&gt;</code>: no captcha.</footer>
</body>
</html>
`.value;
}

/** A timestamp as `2025-05-12 14:03 UTC`: the same on every machine, tests included. */
export function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
