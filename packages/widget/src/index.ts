export { CONSENT_EVENT } from './consent.js';
export {
  type ProtectedFormErrorCode,
  ProtectedFormErrorEvent,
  ProtectedFormReadyEvent,
} from './events.js';
export type { ProtectionOptions } from './options.js';
export { ProtectedFormElement, TAG_NAME } from './protected-form-element.js';
