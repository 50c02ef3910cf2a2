import type { FastifyInstance } from 'fastify';
import { findPost, POSTS, postText } from '../content.js';
import type { AppContext } from '../context.js';
import { readFields, validateFields } from '../form.js';
import { logVerdict } from '../verdict-log.js';
import { blockedPage } from '../views/blocked.js';
import { commentForm, notice } from '../views/forms.js';
import { indexPage, postPage } from '../views/posts.js';

/** Approved comments sent along as relevance context. */
const CONTEXT_COMMENTS = 5;

export function postRoutes(app: FastifyInstance, context: AppContext): void {
  const { store, site, protection } = context;

  app.get('/', async (_request, reply) => {
    const posts = POSTS.map((post) => ({ post, comments: store.commentCount(post.slug) }));
    return reply.type('text/html').send(indexPage(site, posts));
  });

  app.get<{ Params: { slug: string }; Querystring: { held?: string } }>(
    '/posts/:slug',
    async (request, reply) => {
      const post = findPost(request.params.slug);
      if (!post) return reply.callNotFound();
      return reply.type('text/html').send(
        postPage(site, {
          post,
          comments: store.comments(post.slug),
          protection,
          held: request.query.held !== undefined,
        }),
      );
    },
  );

  app.post('/comments', async (request, reply) => {
    const values = readFields(request.body, ['post', 'name', 'email', 'message']);
    const post = findPost(values.post);
    if (!post) return reply.callNotFound();

    const problem = validateFields(values);
    if (problem) {
      return reply
        .code(400)
        .type('text/html')
        .send(
          postPage(site, {
            post,
            comments: store.comments(post.slug),
            protection,
            values,
            formNotice: notice('error', problem),
          }),
        );
    }

    // Checked here rather than through the route's `config.ctProtectedForm`, because the check
    // depends on the post: its text and newest approved comments tell CleanTalk what is on topic.
    const verdict = await context.verifier.checkMessage({
      ip: request.ip,
      email: values.email,
      nickname: values.name,
      message: values.message,
      headers: request.headers,
      form: request.body as Record<string, unknown>, // the widget's hidden fields are in the body
      relevance: {
        pageText: postText(post),
        approvedMessages: store.approvedMessages(post.slug, CONTEXT_COMMENTS),
      },
    });
    logVerdict(store, request, { form: 'comment', email: values.email, verdict });

    if (verdict.decision === 'block') {
      return reply
        .code(403)
        .type('text/html')
        .send(
          blockedPage(site, {
            title: 'Your comment was not published',
            reason: verdict.reason,
            requestId: verdict.requestId,
            form: commentForm(protection, post, values),
            backHref: `/posts/${post.slug}`,
            backText: `Back to “${post.title}”`,
          }),
        );
    }

    const comment = store.addComment({
      postSlug: post.slug,
      name: values.name,
      email: values.email,
      message: values.message,
      status: verdict.decision === 'allow' ? 'approved' : 'pending',
      requestId: verdict.requestId ?? null,
    });
    // Post/Redirect/Get: reloading the page does not send the comment again. A held comment's
    // address names no id: the visitor learns nothing about the queue.
    const target =
      comment.status === 'approved'
        ? `/posts/${post.slug}#comment-${comment.id}`
        : `/posts/${post.slug}?held#respond`;
    return reply.redirect(target, 303);
  });
}
