export type {
  FieldMap,
  FormFields,
  FormValue,
  ProtectedMethod,
  ProtectedRouteConfig,
  StartTokenRateLimit,
} from '../adapter/index.js';
export { DEFAULT_START_TOKEN_PATH, RequestError } from '../adapter/index.js';
export type { Verdict } from '../verdict.js';
export {
  createRequestProtector,
  type ProtectCallOptions,
  type ProtectResult,
  type RequestProtector,
  type RequestProtectorOptions,
} from './protector.js';
