import type { LogEntry } from '../db.js';
import { html } from './html.js';
import { formatTime, page, type Site } from './layout.js';

/** The recent verdicts, newest first, like the "log of spam attacks" in CleanTalk's dashboard. */
export function logPage(
  site: Site,
  entries: readonly LogEntry[],
  dashboardLinks: boolean,
  admin: { user: string; csrfToken: string },
): string {
  return page(site, {
    title: 'Log',
    wide: true,
    admin,
    main: html`<h1>Log of checks</h1>
<p>The newest checks of this site's forms, newest first${dashboardLinks ? ': a request id opens the check in the CleanTalk dashboard' : ''}.</p>
${
  entries.length === 0
    ? html`<p class="empty">No form was checked yet.</p>`
    : html`<div class="table-wrap"><table class="log">
<thead><tr><th>Time</th><th>Form</th><th>Decision</th><th>Codes</th><th>Reason</th><th>Sender</th><th>Request id</th></tr></thead>
<tbody>
${entries.map(
  (entry) => html`<tr class="decision-${entry.decision}">
  <td>${formatTime(entry.createdAt)}</td>
  <td>${entry.form}</td>
  <td><span class="badge badge-${entry.decision}">${entry.decision}</span>${entry.verified ? '' : html` <span class="badge">not verified</span>`}</td>
  <td><code>${entry.codes || '—'}</code></td>
  <td>${entry.reason || '—'}</td>
  <td>${entry.email}<br><span class="meta">${entry.ip}</span></td>
  <td>${entry.requestId ? requestId(entry.requestId, dashboardLinks) : '—'}</td>
</tr>`,
)}
</tbody>
</table></div>`
}`,
  });
}

function requestId(id: string, link: boolean) {
  const code = html`<code>${id}</code>`;
  const href = `https://cleantalk.org/my/show_requests?request_id=${encodeURIComponent(id)}`;
  return link ? html`<a href="${href}">${code}</a>` : code;
}
