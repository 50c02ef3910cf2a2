export type { ReplayStore } from '../start-tokens/replay-store.js';
export { ReplayStoreError } from '../start-tokens/replay-store-error.js';
export {
  createRedisReplayStore,
  type RedisReplayStoreOptions,
  type RedisSetClient,
} from './redis-replay-store.js';
