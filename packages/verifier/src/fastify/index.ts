export type {
  FieldMap,
  ProtectedMethod,
  ProtectedRouteConfig,
  StartTokenRateLimit,
} from '../adapter/index.js';
export { DEFAULT_START_TOKEN_PATH, RequestError } from '../adapter/index.js';
export type { Verdict } from '../verdict.js';
export {
  type CtProtectedFormDecorator,
  ctProtectedForm,
  ctProtectedForm as default,
  type FastifyCtProtectedFormOptions,
} from './plugin.js';
