import { html } from './html.js';
import { page, type Site } from './layout.js';

export function notFoundPage(site: Site): string {
  return page(site, {
    title: 'Not found',
    main: html`<h1>Not found</h1>
<p>There is nothing at this address. <a href="/">See the posts</a>.</p>`,
  });
}
