export { API_ERRORS, API_VERSION } from './api.js';
export { describeBrowserSignals, FALLBACK_KEYS, senderInfoOf } from './browser-signals.js';
export { decodeCompressedText } from './compressed-text.js';
export { DB_ERRORS, IP_COUNTRIES, MAX_RECORDS } from './database.js';
export {
  DETECTOR_SCRIPT_PATH,
  DETECTOR_WRAPPER_PATH,
  EVENT_TOKEN_PATH,
  STAND_IN_DETECTOR_VERSION,
  type StandInDetectorOptions,
  type StandInWrapperOptions,
  standInDetectorSource,
  standInWrapperSource,
} from './detector.js';
export { type Fault, FaultError, type FaultPath } from './faults.js';
export { DEFAULT_AUTH_KEY, DevServerOptionError, type DevServerOptions, SPECIAL_KEYS } from './options.js';
export type { RecordedRequest } from './recorder.js';
export type { DevServerRules } from './rules.js';
export { type DevServer, startDevServer } from './server.js';
