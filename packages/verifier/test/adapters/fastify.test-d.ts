// Type tests, checked by `pnpm typecheck` (tsc), not run.
import type { Verdict, Verifier } from '@ct-protected-form/verifier';
import ctProtectedForm, { type ProtectedRouteConfig } from '@ct-protected-form/verifier/fastify';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { expectTypeOf } from 'vitest';

const app = Fastify();
await app.register(ctProtectedForm, {
  authKey: 'key',
  defaults: { commentType: 'comment' },
  onBlocked: (request, reply, verdict) => {
    expectTypeOf(request).toEqualTypeOf<FastifyRequest>();
    expectTypeOf(reply).toEqualTypeOf<FastifyReply>();
    expectTypeOf(verdict).toEqualTypeOf<Verdict>();
  },
});

expectTypeOf(app.ctProtectedForm.verifier).toEqualTypeOf<Verifier>();
expectTypeOf(app.ctProtectedForm.preHandler).parameter(0).toEqualTypeOf<ProtectedRouteConfig | undefined>();

app.post(
  '/contact',
  {
    config: {
      ctProtectedForm: {
        method: 'check_message',
        fields: { email: 'email', nickname: 'name', message: ['subject', 'message'], phone: 'phone' },
        commentType: 'contact',
      },
    },
  },
  async (request) => {
    expectTypeOf(request.ctVerdict).toEqualTypeOf<Verdict | null>();
    return request.ctVerdict?.decision;
  },
);
app.post('/signup', { config: { ctProtectedForm: true } }, async () => 'ok');
// @ts-expect-error an unknown method is a type error
app.post('/bad', { config: { ctProtectedForm: { method: 'check_spam' } } }, async () => 'x');
// @ts-expect-error the plugin needs the access key
void app.register(ctProtectedForm, {});
// @ts-expect-error a misspelled key in a preHandler's configuration is a type error
app.ctProtectedForm.preHandler({ commentTyp: 'contact' });
// @ts-expect-error a misspelled field key is a type error
app.ctProtectedForm.preHandler({ fields: { mail: 'email' } });
// In a route's `config`, Fastify infers the config type from the literal, so a misspelled key there
// is no type error: the plugin refuses it when the route is declared (see fastify.test.ts).
