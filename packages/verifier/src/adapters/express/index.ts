export type { Verdict } from '../../check/verdict.js';
export type {
  FieldMap,
  ProtectedMethod,
  ProtectedRouteConfig,
  StartTokenRateLimit,
} from '../shared/index.js';
export { DEFAULT_START_TOKEN_PATH, RequestError } from '../shared/index.js';
export { ctProtectedForm, type ExpressCtProtectedFormOptions, type ExpressProtector } from './middleware.js';
