export {
  createRedisConnection,
  pingRedis,
  type RedisConnectionOptions,
  type RedisPurpose,
} from "./connection.js";
export { redisCommandTimeoutMs, withDeadline, withRedisDeadline } from "./deadline.js";
