export { CONSENT_EVENT, grantConsent } from './consent.js';
export { type DetectorScriptOptions, loadDetector } from './detector.js';
export { readEventToken } from './event-token.js';
export {
  type ProtectedFormErrorCode,
  ProtectedFormErrorEvent,
  ProtectedFormReadyEvent,
} from './events.js';
export { type FieldSource, type FormProtector, protectForm, SUBMIT_HOLD_MS } from './form-protector.js';
export type { ProtectionOptions } from './options.js';
export { ProtectedFormElement, TAG_NAME } from './protected-form-element.js';
export { createProtection, type FieldsBody, type Protection, READY_TIMEOUT_MS } from './protection.js';
export { fetchStartToken } from './start-token.js';
