import { findPost } from '../content.js';
import type { Comment, User } from '../db.js';
import { notice } from './forms.js';
import { html, type SafeHtml } from './html.js';
import { formatTime, page, type Site } from './layout.js';
import { commentText } from './posts.js';

export interface ModerationPageOptions {
  comments: readonly Comment[];
  users: readonly User[];
  /** The outcome of the last action, shown once. */
  flash?: { kind: 'ok' | 'warning'; text: string } | undefined;
  /** The logged-in administrator, and the CSRF token every action form carries. */
  admin: { user: string; csrfToken: string };
}

/**
 * The moderation queue: what CleanTalk asked a person to look at (`allow: 0, stop_queue: 0`) or
 * could not check. Approving or rejecting also tells CleanTalk (feedback), which trains the filter
 * for this site.
 */
export function moderationPage(site: Site, options: ModerationPageOptions): string {
  const empty = options.comments.length === 0 && options.users.length === 0;
  const { csrfToken } = options.admin;
  return page(site, {
    title: 'Moderation',
    admin: options.admin,
    main: html`<h1>Moderation queue</h1>
${options.flash ? notice(options.flash.kind, options.flash.text) : ''}
${empty ? html`<p class="empty">Nothing is waiting for moderation.</p>` : ''}
${
  options.comments.length > 0
    ? html`<h2>Comments</h2>
<ul class="queue">${options.comments.map((comment) => commentEntry(comment, csrfToken))}</ul>`
    : ''
}
${
  options.users.length > 0
    ? html`<h2>Sign-ups</h2>
<ul class="queue">${options.users.map((user) => userEntry(user, csrfToken))}</ul>`
    : ''
}`,
  });
}

function commentEntry(comment: Comment, csrfToken: string): SafeHtml {
  const post = findPost(comment.postSlug);
  return html`<li class="card queue-item" id="pending-comment-${comment.id}">
  <p class="meta"><strong>${comment.name}</strong> &lt;${comment.email}&gt; · ${formatTime(comment.createdAt)} · on
    <a href="/posts/${comment.postSlug}">${post?.title ?? comment.postSlug}</a></p>
  <div class="comment-text">${commentText(comment.message)}</div>
  ${actions(`/moderation/comments/${comment.id}`, comment.requestId, csrfToken)}
</li>`;
}

function userEntry(user: User, csrfToken: string): SafeHtml {
  return html`<li class="card queue-item" id="pending-user-${user.id}">
  <p class="meta"><strong>${user.name}</strong> &lt;${user.email}&gt; · ${formatTime(user.createdAt)}</p>
  ${actions(`/moderation/users/${user.id}`, user.requestId, csrfToken)}
</li>`;
}

function actions(action: string, requestId: string | null, csrfToken: string): SafeHtml {
  return html`<form class="actions" method="post" action="${action}">
  <input type="hidden" name="_csrf" value="${csrfToken}">
  <button name="action" value="approve" class="approve">Approve</button>
  <button name="action" value="reject" class="reject">Reject as spam</button>
  <span class="meta">${requestId ? html`check <code>${requestId}</code>` : 'not checked by CleanTalk'}</span>
</form>`;
}
