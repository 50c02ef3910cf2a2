export type {
  FieldMap,
  ProtectedMethod,
  ProtectedRouteConfig,
  StartTokenRateLimit,
} from '../adapter/index.js';
export { DEFAULT_START_TOKEN_PATH, RequestError } from '../adapter/index.js';
export type { Verdict } from '../verdict.js';
export { ctProtectedForm, type ExpressCtProtectedFormOptions, type ExpressProtector } from './middleware.js';
