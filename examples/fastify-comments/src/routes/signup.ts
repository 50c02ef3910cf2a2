import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { readFields, validateFields } from '../form.js';
import { logVerdict } from '../verdict-log.js';
import { blockedPage } from '../views/blocked.js';
import { notice, signupForm } from '../views/forms.js';
import { signupDonePage, signupPage } from '../views/signup.js';

export function signupRoutes(app: FastifyInstance, context: AppContext): void {
  const { store, site, protection } = context;

  app.get('/signup', async (_request, reply) => reply.type('text/html').send(signupPage(site, protection)));

  /** Invalid input is answered before CleanTalk is asked: no check is spent on a typo. */
  async function validate(request: FastifyRequest, reply: FastifyReply) {
    const values = readFields(request.body, ['name', 'email']);
    const problem =
      validateFields(values) ??
      (store.hasUserWithEmail(values.email)
        ? 'An account with this email address exists already.'
        : undefined);
    if (!problem) return;
    return reply
      .code(400)
      .type('text/html')
      .send(signupPage(site, protection, values, notice('error', problem)));
  }

  // Blocked sign-ups never reach the handler: the plugin calls this through its onBlocked option.
  context.blockedPages.set('/signup', (request, reply, verdict) => {
    const values = readFields(request.body, ['name', 'email']);
    logVerdict(store, request, { form: 'signup', email: values.email, verdict });
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
  });

  app.post(
    '/signup',
    {
      // The plugin checks this route with check_newuser, strips the hidden fields from the body and
      // puts the verdict on request.ctVerdict.
      config: { ctProtectedForm: { method: 'check_newuser', fields: { email: 'email', nickname: 'name' } } },
      preValidation: validate,
    },
    async (request, reply) => {
      const verdict = request.ctVerdict!;
      const values = readFields(request.body, ['name', 'email']);
      logVerdict(store, request, { form: 'signup', email: values.email, verdict });
      const user = store.addUser({
        name: values.name,
        email: values.email,
        // CleanTalk's allow 1 + inactive 1 is a review with `inactive`: the account is created, and
        // stays inactive until the address is confirmed. Any other review waits for a moderator.
        status: verdict.decision === 'allow' || verdict.inactive ? 'approved' : 'pending',
        inactive: verdict.inactive,
        requestId: verdict.requestId ?? null,
      });
      return reply.type('text/html').send(signupDonePage(site, user));
    },
  );
}
