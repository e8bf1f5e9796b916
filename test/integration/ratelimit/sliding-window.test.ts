import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ErrorCode, GatewayError } from "../../../src/errors.js";
import { SlidingWindowLimiter, type RateLimitOutcome } from "../../../src/ratelimit/index.js";
import { createRedisConnection } from "../../../src/redis/index.js";
import { sharedRedisUrl, startOwnRedis, uniquePrefix, type OwnRedis } from "../../support/services.js";

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function connect(url: string, name = "ratelimit-test"): Promise<Redis> {
  const redis = createRedisConnection(url, { name, purpose: "commands" });
  if (redis.status !== "ready") await new Promise((resolve) => redis.once("ready", resolve));
  return redis;
}

async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  return redis.keys(`${prefix}*`);
}

function retryAfter(outcome: RateLimitOutcome): number {
  if (outcome.allowed) throw new Error("expected the call to be rate limited");
  return outcome.retryAfterMs;
}

async function rejection(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("SlidingWindowLimiter on a shared Redis", () => {
  const connections: Redis[] = [];
  let redis: Redis;
  let prefix: string;
  let limiter: SlidingWindowLimiter;

  beforeAll(async () => {
    redis = await connect(sharedRedisUrl());
    connections.push(redis);
  });

  afterEach(async () => {
    vi.useRealTimers();
    const leftovers = await keysUnder(redis, prefix);
    if (leftovers.length > 0) await redis.del(...leftovers);
  });

  afterAll(async () => {
    await Promise.all(connections.map((connection) => connection.quit()));
  });

  const freshLimiter = (): void => {
    prefix = `${uniquePrefix("rl")}:`;
    limiter = new SlidingWindowLimiter(redis, { keyPrefix: prefix });
  };

  it("admits exactly max of 1,000 concurrent calls spread over 4 connections", async () => {
    freshLimiter();
    const replicas = await Promise.all([1, 2, 3, 4].map((n) => connect(sharedRedisUrl(), `replica-${n}`)));
    connections.push(...replicas);
    const limiters = replicas.map(
      (r) => new SlidingWindowLimiter(r, { keyPrefix: prefix, timeoutMs: 10_000 }),
    );
    const spec = { max: 100, windowMs: 60_000 };

    const outcomes = await Promise.all(
      Array.from({ length: 1_000 }, (_, i) => limiters[i % limiters.length]?.consume("burst", spec)),
    );

    const allowed = outcomes.filter((outcome) => outcome?.allowed === true);
    expect(allowed).toHaveLength(100);
    expect(outcomes.filter((outcome) => outcome?.allowed === false)).toHaveLength(900);
    const remaining = allowed.map((outcome) => (outcome?.allowed ? outcome.remaining : -1));
    expect(remaining.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(await redis.zcard(`${prefix}burst`)).toBe(100);
  });

  it("slides: a slot frees when its own call leaves the window, not at a boundary", async () => {
    freshLimiter();
    const spec = { max: 2, windowMs: 1_200 };
    expect(await limiter.consume("slide", spec)).toMatchObject({ allowed: true, remaining: 1 });
    await sleep(600);
    expect(await limiter.consume("slide", spec)).toMatchObject({ allowed: true, remaining: 0 });
    const firstWait = retryAfter(await limiter.consume("slide", spec));
    expect(firstWait).toBeGreaterThan(0);
    expect(firstWait).toBeLessThanOrEqual(600);

    await sleep(firstWait / 2);
    const laterWait = retryAfter(await limiter.consume("slide", spec));
    expect(laterWait).toBeLessThan(firstWait);

    await sleep(laterWait + 50);
    // The first call has left the window; the second (600 ms younger) has not.
    expect(await limiter.consume("slide", spec)).toMatchObject({ allowed: true, remaining: 0 });
    expect((await limiter.consume("slide", spec)).allowed).toBe(false);
  });

  it("reports a sane retryAfterMs with the limit and window", async () => {
    freshLimiter();
    const spec = { max: 3, windowMs: 5_000 };
    for (let i = 0; i < 3; i++) expect((await limiter.consume("sane", spec)).allowed).toBe(true);
    const outcome = await limiter.consume("sane", spec);
    expect(outcome).toMatchObject({ allowed: false, limit: 3, windowMs: 5_000 });
    expect(retryAfter(outcome)).toBeGreaterThan(0);
    expect(retryAfter(outcome)).toBeLessThanOrEqual(5_000);
    // Denied calls are not counted: the set still holds exactly the admitted ones.
    expect(await redis.zcard(`${prefix}sane`)).toBe(3);
  });

  it("keeps separate keys independent", async () => {
    freshLimiter();
    const spec = { max: 2, windowMs: 60_000 };
    await limiter.consume("agent-a", spec);
    await limiter.consume("agent-a", spec);
    expect((await limiter.consume("agent-a", spec)).allowed).toBe(false);
    expect(await limiter.consume("agent-b", spec)).toEqual({ allowed: true, remaining: 1 });
  });

  it("lets its keys expire with the window", async () => {
    freshLimiter();
    const spec = { max: 5, windowMs: 400 };
    await limiter.consume("expiring", spec);
    const keys = await keysUnder(redis, prefix);
    expect(keys.sort()).toEqual([`${prefix}expiring`, `${prefix}expiring:seq`]);
    for (const key of keys) {
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(400);
    }
    await sleep(700);
    expect(await keysUnder(redis, prefix)).toEqual([]);
  });

  it("uses the Redis clock, so a replica with a skewed clock shares the same window", async () => {
    freshLimiter();
    const spec = { max: 2, windowMs: 2_000 };
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 3_600_000);
    await limiter.consume("skew", spec);
    await limiter.consume("skew", spec);
    vi.useRealTimers();
    const wait = retryAfter(await limiter.consume("skew", spec));
    expect(wait).toBeLessThanOrEqual(2_000);
  });

  it("rejects a spec that cannot be counted", async () => {
    freshLimiter();
    for (const spec of [
      { max: 0, windowMs: 1_000 },
      { max: 1.5, windowMs: 1_000 },
      { max: 1, windowMs: 0 },
    ]) {
      const error = await rejection(limiter.consume("bad", spec));
      expect(error).toBeInstanceOf(GatewayError);
      expect(error).toMatchObject({ code: ErrorCode.PolicyInvalid });
    }
    expect(await keysUnder(redis, prefix)).toEqual([]);
  });
});

describe("SlidingWindowLimiter when Redis fails", () => {
  let own: OwnRedis;
  let redis: Redis;

  beforeAll(async () => {
    own = await startOwnRedis();
    redis = await connect(own.url, "ratelimit-outage-test");
  });

  afterAll(async () => {
    redis.disconnect();
    await own.dispose();
  });

  it("fails closed with REDIS_UNAVAILABLE while Redis is down, then recovers by itself", async () => {
    const limiter = new SlidingWindowLimiter(redis, { keyPrefix: "outage:" });
    const spec = { max: 10, windowMs: 60_000 };
    expect((await limiter.consume("k", spec)).allowed).toBe(true);

    await own.stop();
    const started = performance.now();
    const error = await rejection(limiter.consume("k", spec));
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: ErrorCode.RedisUnavailable });

    await own.start();
    const deadline = Date.now() + 15_000;
    let outcome: RateLimitOutcome | undefined;
    while (!outcome && Date.now() < deadline) {
      outcome = await limiter.consume("k", spec).catch(() => undefined);
      if (!outcome) await sleep(100);
    }
    // A fresh server: the script cache is empty, so this also proves the EVAL fallback.
    expect(outcome).toEqual({ allowed: true, remaining: 9 });
  });

  it("fails closed within timeoutMs when Redis is connected but does not answer", async () => {
    const limiter = new SlidingWindowLimiter(redis, { keyPrefix: "paused:", timeoutMs: 200 });
    const spec = { max: 10, windowMs: 60_000 };
    await redis.client("PAUSE", 2_000, "WRITE");
    try {
      const started = performance.now();
      const error = await rejection(limiter.consume("k", spec));
      expect(performance.now() - started).toBeLessThan(1_500);
      expect(error).toMatchObject({
        code: ErrorCode.RedisUnavailable,
        message: expect.stringContaining("200 ms"),
      });
    } finally {
      await redis.client("UNPAUSE");
    }
  });

  it("reloads the script after SCRIPT FLUSH", async () => {
    const limiter = new SlidingWindowLimiter(redis, { keyPrefix: "flush:" });
    const spec = { max: 2, windowMs: 60_000 };
    expect(await limiter.consume("k", spec)).toEqual({ allowed: true, remaining: 1 });
    await redis.script("FLUSH");
    expect(await limiter.consume("k", spec)).toEqual({ allowed: true, remaining: 0 });
    expect((await limiter.consume("k", spec)).allowed).toBe(false);
  });
});
