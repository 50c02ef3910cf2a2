export type {
  BatchOptions,
  DatabaseCallOptions,
  DatabaseProgress,
  DatabaseReport,
  RecordResult,
  RecordStatus,
} from './batch.js';
export type { CheckKeyOptions, KeyStatus } from './check-key.js';
export { createDatabaseClient, type DatabaseClient, type DatabaseClientOptions } from './client.js';
export type { IpInfoData, IpInfoOptions, IpInfoReport, IpInfoResult } from './ip-info.js';
export type { RecordType } from './records.js';
export type { RetryOptions } from './retry.js';
export type { SpamCheckData, SpamCheckOptions, SpamCheckReport, SpamCheckResult } from './spam-check.js';
