import { Redis, type RedisOptions } from "ioredis";
import { withDeadline } from "./deadline.js";

/**
 * `commands`: request/response work on the request path (rate limits, lookups), which
 * must fail fast while Redis is away. `bullmq`: queues and workers, which BullMQ
 * requires to wait for Redis instead of failing.
 */
export type RedisPurpose = "commands" | "bullmq";

export interface RedisConnectionOptions {
  /** Shown in `CLIENT LIST` on the server and passed to `onError`. */
  readonly name: string;
  readonly purpose: RedisPurpose;
  /** Receives connection errors (refused, reset, timeouts); ioredis retries by itself. */
  readonly onError?: (error: Error, connectionName: string) => void;
}

const connectTimeoutMs = 2_000;
const maxReconnectDelayMs = 1_000;

/** Never gives up: the gateway must recover by itself once Redis is back. */
function reconnectDelayMs(attempt: number): number {
  return Math.min(attempt * 100, maxReconnectDelayMs);
}

/** `CLIENT SETNAME` refuses spaces and control characters, which would break every connect. */
function serverSafeName(name: string): string {
  return name.replace(/[^\x21-\x7e]/g, "-") || "mcp-approval-gateway";
}

function optionsFor(options: RedisConnectionOptions): RedisOptions {
  const common: RedisOptions = {
    connectionName: serverSafeName(options.name),
    connectTimeout: connectTimeoutMs,
    retryStrategy: reconnectDelayMs,
    lazyConnect: false,
  };
  if (options.purpose === "bullmq") {
    return { ...common, maxRetriesPerRequest: null };
  }
  // Without the offline queue a command issued while disconnected fails at once
  // instead of waiting, unbounded, for a reconnect.
  return { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1 };
}

/** An ioredis connection configured for `purpose`; it starts connecting immediately. */
export function createRedisConnection(url: string, options: RedisConnectionOptions): Redis {
  const redis = new Redis(url, optionsFor(options));
  // An 'error' event without a listener is reported by ioredis as unhandled noise;
  // with one, errors reach the gateway's log and reconnection carries on.
  redis.on("error", (error: Error) => options.onError?.(error, options.name));
  return redis;
}

/** Whether Redis answers PING within `timeoutMs`. Never throws; for readiness probes. */
export async function pingRedis(redis: Redis, timeoutMs: number): Promise<boolean> {
  try {
    const reply = await withDeadline(redis.ping(), timeoutMs, () => new Error("ping timed out"));
    return reply === "PONG";
  } catch {
    return false;
  }
}
