// Internal: what the Fastify, Express and Web Request adapters share. Not a public entry point.

export {
  canIssue,
  DEFAULT_START_TOKEN_PATH,
  type StartTokenRequest,
  type StartTokenRoute,
  startTokenResponse,
} from '../../start-tokens/endpoint.js';
export type { StartTokenRateLimit } from '../../start-tokens/rate-limit.js';
export {
  type AdapterOptions,
  DEFAULT_BODY_LIMIT,
  MAX_BODY_LIMIT,
  type ResolvedAdapterOptions,
  resolveAdapterOptions,
} from './adapter-options.js';
export { blockedResponse, escapeHtml, type PlainResponse, prefersJson } from './blocked-response.js';
export { type CheckRequestInput, checkRequest } from './check-request.js';
export {
  type FormFields,
  type FormValue,
  isFormMediaType,
  MULTIPART,
  mediaType,
  parseFormBody,
  URLENCODED,
} from './form-body.js';
export { type HiddenFields, takeHiddenFields } from './hidden-fields.js';
export { RequestError } from './request-error.js';
export {
  DEFAULT_ROUTE_CONFIG,
  type FieldMap,
  type ProtectedMethod,
  type ProtectedRouteConfig,
  type ResolvedRouteConfig,
  resolveRouteConfig,
} from './route-config.js';
