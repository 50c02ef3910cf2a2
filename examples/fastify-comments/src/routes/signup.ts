import type { FastifyInstance } from 'fastify';
import { check } from '../check.js';
import type { AppContext } from '../context.js';
import { readFields, validateFields } from '../form.js';
import { blockedPage } from '../views/blocked.js';
import { notice, signupForm } from '../views/forms.js';
import { signupDonePage, signupPage } from '../views/signup.js';

export function signupRoutes(app: FastifyInstance, context: AppContext): void {
  const { store, site, protection } = context;

  app.get('/signup', async (_request, reply) => reply.type('text/html').send(signupPage(site, protection)));

  app.post('/signup', async (request, reply) => {
    const values = readFields(request.body, ['name', 'email']);
    const problem =
      validateFields(values) ??
      (store.hasUserWithEmail(values.email)
        ? 'An account with this email address exists already.'
        : undefined);
    if (problem) {
      return reply
        .code(400)
        .type('text/html')
        .send(signupPage(site, protection, values, notice('error', problem)));
    }

    const verdict = await check(context, request, {
      form: 'signup',
      method: 'check_newuser',
      name: values.name,
      email: values.email,
    });

    if (verdict.decision === 'block') {
      return reply
        .code(403)
        .type('text/html')
        .send(
          blockedPage(site, {
            title: 'Your account was not created',
            reason: verdict.reason,
            requestId: verdict.requestId,
            form: signupForm(protection, values),
            backHref: '/',
            backText: 'Back to the posts',
          }),
        );
    }

    const user = store.addUser({
      name: values.name,
      email: values.email,
      status: verdict.decision === 'allow' ? 'approved' : 'pending',
      inactive: verdict.inactive,
      requestId: verdict.requestId ?? null,
    });
    return reply.type('text/html').send(signupDonePage(site, user));
  });
}
