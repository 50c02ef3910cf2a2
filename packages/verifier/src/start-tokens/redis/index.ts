export type { ReplayStore } from '../replay-store.js';
export { ReplayStoreError } from '../replay-store-error.js';
export {
  createRedisReplayStore,
  type RedisReplayStoreOptions,
  type RedisSetClient,
} from './redis-replay-store.js';
