export { displayReason, LICENCE_CODES } from './check/answer.js';
export type { BotVerdict, CheckBotRequest, IpFrequency } from './check/check-bot.js';
export { isSecretHeader, scrubHeaders } from './check/headers.js';
export type { CheckMethod, CheckRequest } from './check/request.js';
export type { StartTime, StartTimeProblem } from './check/signals.js';
export type { FormInput, HeadersInput, RelevanceContext, Submission } from './check/submission.js';
export type { Decision, Verdict } from './check/verdict.js';
export type { CheckKeyOptions, KeyStatus } from './database/check-key.js';
export {
  ApiError,
  type CheckError,
  CircuitOpenError,
  ConnectionError,
  CtProtectedFormError,
  HttpStatusError,
  LicenceError,
  OptionsError,
  ResponseError,
  SubmissionError,
  TimeoutError,
} from './errors.js';
export type { FeedbackItem, FeedbackOptions, FeedbackResult, RejectedFeedback } from './feedback.js';
export {
  DEFAULT_DATABASE_ENDPOINT,
  DEFAULT_ENDPOINT,
  DEFAULT_TIMEOUT_MS,
  type FailMode,
  type VerifierLogger,
  type VerifierOptions,
} from './options.js';
export type { InvalidStartTokenPolicy } from './start-tokens/policy.js';
export {
  createMemoryReplayStore,
  type MemoryReplayStoreOptions,
  type ReplayStore,
} from './start-tokens/replay-store.js';
export { ReplayStoreError } from './start-tokens/replay-store-error.js';
export { DEFAULT_SESSION_COOKIE } from './start-tokens/session-cookie.js';
export type {
  StartTokenCheck,
  StartTokenContext,
  StartTokenProblem,
  StartTokenVerifier,
} from './start-tokens/start-token-verifier.js';
export { createStartTokens, type StartTokens, type StartTokensOptions } from './start-tokens/start-tokens.js';
export type { CircuitBreakerOptions, CircuitState } from './transport/circuit-breaker.js';
export { type CreateVerifierOptions, createVerifier, type Verifier } from './verifier.js';
export { AGENT, VERSION } from './version.js';
