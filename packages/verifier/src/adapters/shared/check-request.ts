import { countFields } from '../../check/browser-signals.js';
import { type FormInput, type HeadersInput, readFormField, type Submission } from '../../check/submission.js';
import type { Verdict } from '../../check/verdict.js';
import { SubmissionError } from '../../errors.js';
import type { Verifier } from '../../verifier.js';
import { type HiddenFields, takeHiddenFields } from './hidden-fields.js';
import { RequestError } from './request-error.js';
import type { ResolvedRouteConfig } from './route-config.js';

/** What every adapter hands over for one request. */
export interface CheckRequestInput {
  /** The client IP as the framework resolved it (its trusted-proxy setting applied). */
  ip: unknown;
  headers: HeadersInput | undefined;
  /** The parsed body. Its hidden fields are removed in place. */
  body: unknown;
  /** Hidden fields already taken out of the body earlier (e.g. before schema validation). */
  hidden?: HiddenFields;
}

/**
 * The one check flow of all adapters: take the hidden fields out of the body, read the mapped
 * fields, ask the verifier. Throws a {@link RequestError} (400) when the client IP is unusable;
 * every other outcome is a verdict.
 */
export async function checkRequest(
  verifier: Verifier,
  route: ResolvedRouteConfig,
  input: CheckRequestInput,
): Promise<Verdict> {
  const hidden = input.hidden ?? takeHiddenFields(input.body);
  const form = asForm(input.body);
  const read = (name: string) => readFormField(form, name);
  const submission: Submission = {
    ip: input.ip as string,
    email: read(route.fields.email),
    nickname: read(route.fields.nickname),
    message:
      route.fields.message.length === 1 ? read(route.fields.message[0]!) : route.fields.message.map(read),
    phone: read(route.fields.phone),
    form: hidden,
    fieldsNumber: countFields(input.body),
  };
  if (input.headers) submission.headers = input.headers;
  if (route.commentType) submission.commentType = route.commentType;
  try {
    switch (route.method) {
      case 'check_newuser':
        return await verifier.checkNewUser(submission);
      case 'check_bot':
        return await verifier.checkBot(submission);
      default:
        return await verifier.checkMessage(submission);
    }
  } catch (error) {
    if (error instanceof SubmissionError && error.field === 'ip') {
      throw new RequestError(
        'CT_BAD_CLIENT_IP',
        400,
        'The client address of this request could not be determined.',
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}

function asForm(body: unknown): FormInput | undefined {
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as FormInput) : undefined;
}
