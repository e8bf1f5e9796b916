export {
  createRedisConnection,
  pingRedis,
  type RedisConnectionOptions,
  type RedisPurpose,
} from "./connection.js";
