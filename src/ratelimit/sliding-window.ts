import type { Redis } from "ioredis";
import { ErrorCode, GatewayError, describeError } from "../errors.js";
import { redisCommandTimeoutMs, withDeadline } from "../redis/deadline.js";
import { slidingWindowScript, slidingWindowScriptSha } from "./sliding-window-script.js";

export type RateLimitOutcome =
  | { readonly allowed: true; readonly remaining: number }
  | {
      readonly allowed: false;
      readonly retryAfterMs: number;
      readonly limit: number;
      readonly windowMs: number;
    };

export interface SlidingWindowSpec {
  readonly max: number;
  readonly windowMs: number;
}

export interface SlidingWindowLimiterOptions {
  /** Prepended verbatim to every key, separator included (e.g. `mag:`). */
  readonly keyPrefix: string;
  /** How long one `consume` may wait for Redis before failing closed; default `redisCommandTimeoutMs`. */
  readonly timeoutMs?: number;
}

/**
 * Exact sliding-window rate limiter over a shared Redis: never more than `max` calls are
 * admitted in any window of `windowMs`, across every replica using the same Redis.
 * Fails closed: when Redis errs or is slow, `consume` throws REDIS_UNAVAILABLE.
 */
export class SlidingWindowLimiter {
  private readonly timeoutMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly options: SlidingWindowLimiterOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? redisCommandTimeoutMs;
  }

  /** Counts one call against `key` if the window has room, or says when to retry. */
  async consume(key: string, spec: SlidingWindowSpec): Promise<RateLimitOutcome> {
    assertValidSpec(spec);
    const logKey = `${this.options.keyPrefix}${key}`;
    const args = [logKey, `${logKey}:seq`, spec.max, spec.windowMs] as const;
    const reply = await withDeadline(this.runScript(args), this.timeoutMs, () => this.timeoutError());
    return toOutcome(reply, spec);
  }

  private async runScript(args: readonly [string, string, number, number]): Promise<unknown> {
    try {
      return await this.redis.evalsha(slidingWindowScriptSha, 2, ...args);
    } catch (error) {
      // The script cache is empty after a Redis restart or SCRIPT FLUSH.
      if (!isNoScript(error)) throw unavailable(error);
    }
    try {
      return await this.redis.eval(slidingWindowScript, 2, ...args);
    } catch (error) {
      throw unavailable(error);
    }
  }

  private timeoutError(): GatewayError {
    return new GatewayError(
      ErrorCode.RedisUnavailable,
      `Rate limit store (Redis) did not answer within ${this.timeoutMs} ms`,
    );
  }
}

function assertValidSpec(spec: SlidingWindowSpec): void {
  const validMax = Number.isSafeInteger(spec.max) && spec.max >= 1;
  const validWindow = Number.isSafeInteger(spec.windowMs) && spec.windowMs >= 1;
  if (!validMax || !validWindow) {
    throw new GatewayError(
      ErrorCode.PolicyInvalid,
      `Invalid rate limit: max and windowMs must be integers >= 1, got max ${spec.max}, windowMs ${spec.windowMs}`,
    );
  }
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("NOSCRIPT");
}

function unavailable(error: unknown): GatewayError {
  return new GatewayError(
    ErrorCode.RedisUnavailable,
    `Rate limit store (Redis) unavailable: ${describeError(error)}`,
    { cause: error },
  );
}

function toOutcome(reply: unknown, spec: SlidingWindowSpec): RateLimitOutcome {
  if (!Array.isArray(reply) || typeof reply[0] !== "number" || typeof reply[1] !== "number") {
    throw new GatewayError(ErrorCode.Internal, "Unexpected reply from the rate limit script");
  }
  if (reply[0] === 1) return { allowed: true, remaining: reply[1] };
  return { allowed: false, retryAfterMs: reply[1], limit: spec.max, windowMs: spec.windowMs };
}
