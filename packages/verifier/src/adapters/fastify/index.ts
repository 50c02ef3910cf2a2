export type { Verdict } from '../../check/verdict.js';
export type {
  FieldMap,
  ProtectedMethod,
  ProtectedRouteConfig,
  StartTokenRateLimit,
} from '../shared/index.js';
export { DEFAULT_START_TOKEN_PATH, RequestError } from '../shared/index.js';
export {
  type CtProtectedFormDecorator,
  ctProtectedForm,
  ctProtectedForm as default,
  type FastifyCtProtectedFormOptions,
} from './plugin.js';
