export type { Verdict } from '../../check/verdict.js';
export type {
  FieldMap,
  FormFields,
  FormValue,
  ProtectedMethod,
  ProtectedRouteConfig,
  StartTokenRateLimit,
} from '../shared/index.js';
export { DEFAULT_START_TOKEN_PATH, RequestError } from '../shared/index.js';
export {
  createRequestProtector,
  type ProtectCallOptions,
  type ProtectResult,
  type RequestProtector,
  type RequestProtectorOptions,
} from './protector.js';
