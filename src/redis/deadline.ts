import type { Redis } from "ioredis";
import { ErrorCode, GatewayError } from "../errors.js";

/**
 * How long one Redis command on a call's path may take before the gateway stops waiting and
 * fails closed. A healthy Redis answers in well under a millisecond, so a second means it is
 * away or stalled.
 */
export const redisCommandTimeoutMs = 1_000;

// Between connections ioredis holds commands until it reconnects (or, without the offline
// queue, refuses them): either way, no answer is coming soon.
const disconnectedStatuses: ReadonlySet<Redis["status"]> = new Set(["close", "reconnecting", "end"]);

/**
 * Settles like `work`, unless `timeoutMs` passes first: then rejects with `onTimeout()`.
 * The work itself is not cancelled (Redis may still execute it); callers treat a
 * timeout as a failure of unknown outcome.
 */
export async function withDeadline<T>(
  work: Promise<T>,
  timeoutMs: number,
  onTimeout: () => Error,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(onTimeout()), timeoutMs);
  });
  try {
    // Promise.race subscribes to `work`, so a late rejection is never unhandled.
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `command` on `redis` within {@link redisCommandTimeoutMs}, without even starting it
 * while the connection is known to be down. Meant for connections that wait for Redis to
 * return (BullMQ's), where an outage would otherwise hold the caller until it ends. Fails
 * with REDIS_UNAVAILABLE; a command that timed out may still run once Redis answers again.
 */
export async function withRedisDeadline<T>(
  redis: Redis,
  action: string,
  command: () => Promise<T>,
): Promise<T> {
  if (disconnectedStatuses.has(redis.status)) {
    throw new GatewayError(
      ErrorCode.RedisUnavailable,
      `cannot ${action}: Redis is not connected (${redis.status})`,
    );
  }
  return withDeadline(
    command(),
    redisCommandTimeoutMs,
    () =>
      new GatewayError(
        ErrorCode.RedisUnavailable,
        `cannot ${action}: Redis did not answer within ${redisCommandTimeoutMs} ms`,
      ),
  );
}
