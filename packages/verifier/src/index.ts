export type { BotVerdict, CheckBotRequest, IpFrequency } from './check-bot.js';
export type { CircuitBreakerOptions, CircuitState } from './circuit-breaker.js';
export type {
  BatchOptions,
  DatabaseCallOptions,
  DatabaseProgress,
  DatabaseReport,
  RecordResult,
  RecordStatus,
} from './database/batch.js';
export type { CheckKeyOptions, KeyStatus } from './database/check-key.js';
export type { IpInfoData, IpInfoOptions, IpInfoReport, IpInfoResult } from './database/ip-info.js';
export type { RecordType } from './database/records.js';
export type { RetryOptions } from './database/retry.js';
export type {
  SpamCheckData,
  SpamCheckOptions,
  SpamCheckReport,
  SpamCheckResult,
} from './database/spam-check.js';
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
export { isSecretHeader, scrubHeaders } from './headers.js';
export {
  DEFAULT_DATABASE_ENDPOINT,
  DEFAULT_ENDPOINT,
  DEFAULT_TIMEOUT_MS,
  type FailMode,
  type VerifierLogger,
  type VerifierOptions,
} from './options.js';
export type { CheckMethod, CheckRequest } from './request.js';
export { displayReason, LICENCE_CODES } from './response.js';
export type { StartTime, StartTimeProblem } from './signals.js';
export type {
  StartTokenCheck,
  StartTokenContext,
  StartTokenProblem,
  StartTokenVerifier,
} from './start-token.js';
export type { InvalidStartTokenPolicy } from './start-tokens/policy.js';
export {
  createMemoryReplayStore,
  type MemoryReplayStoreOptions,
  type ReplayStore,
} from './start-tokens/replay-store.js';
export { ReplayStoreError } from './start-tokens/replay-store-error.js';
export { DEFAULT_SESSION_COOKIE } from './start-tokens/session-cookie.js';
export { createStartTokens, type StartTokens, type StartTokensOptions } from './start-tokens/start-tokens.js';
export type { FormInput, HeadersInput, RelevanceContext, Submission } from './submission.js';
export type { Decision, Verdict } from './verdict.js';
export { type CreateVerifierOptions, createVerifier, type Verifier } from './verifier.js';
export { AGENT, VERSION } from './version.js';
