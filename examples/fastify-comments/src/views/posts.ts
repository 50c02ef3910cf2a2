import type { Post } from '../content.js';
import type { Comment } from '../db.js';
import { commentForm, type FormValues, notice, type Protection } from './forms.js';
import { html, type SafeHtml } from './html.js';
import { formatTime, page, type Site } from './layout.js';

export function indexPage(site: Site, posts: readonly { post: Post; comments: number }[]): string {
  return page(site, {
    title: 'Posts',
    main: html`<h1>Posts</h1>
<ul class="posts">
${posts.map(
  ({ post, comments }) => html`<li class="card">
  <a class="post-title" href="/posts/${post.slug}">${post.title}</a>
  <p class="meta">${post.date} · ${comments} ${comments === 1 ? 'comment' : 'comments'}</p>
  <p>${post.paragraphs[0] ?? ''}</p>
</li>`,
)}
</ul>`,
  });
}

export interface PostPageOptions {
  post: Post;
  comments: readonly Comment[];
  protection: Protection;
  /** The visitor's comment was held for moderation. */
  held?: boolean;
  /** Values to refill the form with and a notice above it, e.g. after invalid input. */
  values?: FormValues;
  formNotice?: SafeHtml;
}

export function postPage(site: Site, options: PostPageOptions): string {
  const { post, comments } = options;
  return page(site, {
    title: post.title,
    widget: true,
    main: html`<article class="post">
  <h1>${post.title}</h1>
  <p class="meta">${post.date}</p>
  ${post.paragraphs.map((paragraph) => html`<p>${paragraph}</p>`)}
</article>
<section class="comments" id="comments">
  <h2>${comments.length} ${comments.length === 1 ? 'comment' : 'comments'}</h2>
  ${comments.length === 0 ? html`<p class="empty">No comments yet. Be the first.</p>` : ''}
  <ol class="comment-list">
  ${comments.map((comment) => commentItem(comment))}
  </ol>
</section>
<section class="respond" id="respond">
  <h2>Leave a comment</h2>
  ${options.held ? notice('ok', 'Thank you! Your comment is held for moderation.', 'It will appear here once a moderator approves it.') : ''}
  ${options.formNotice ?? ''}
  ${commentForm(options.protection, post, options.values)}
</section>`,
  });
}

function commentItem(comment: Comment): SafeHtml {
  return html`<li class="comment card" id="comment-${comment.id}">
  <p class="meta"><strong class="author">${comment.name}</strong> · ${formatTime(comment.createdAt)}</p>
  <div class="comment-text">${commentText(comment.message)}</div>
</li>`;
}

/**
 * A comment's text as paragraphs: a blank line starts a new one, whichever line ends the browser
 * sent (forms send CRLF).
 */
export function commentText(message: string): SafeHtml[] {
  return message.split(/(?:\r\n|\r(?!\n)|\n){2,}/).map((paragraph) => html`<p>${paragraph}</p>`);
}
