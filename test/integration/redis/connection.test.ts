import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createRedisConnection, pingRedis } from "../../../src/redis/index.js";
import {
  freePort,
  sharedRedisUrl,
  startOwnRedis,
  uniquePrefix,
  type OwnRedis,
} from "../../support/services.js";

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function ready(redis: Redis): Promise<Redis> {
  if (redis.status !== "ready") await new Promise((resolve) => redis.once("ready", resolve));
  return redis;
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(100);
  }
  return check();
}

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work;
  return { value, ms: performance.now() - started };
}

describe("createRedisConnection and pingRedis", () => {
  const opened: Redis[] = [];
  const open = (url: string, options: Parameters<typeof createRedisConnection>[1]): Redis => {
    const redis = createRedisConnection(url, options);
    opened.push(redis);
    return redis;
  };

  afterEach(() => {
    for (const redis of opened.splice(0)) redis.disconnect();
  });

  it("answers true from a reachable Redis and names the connection on the server", async () => {
    const name = uniquePrefix("gateway commands");
    const redis = await ready(open(sharedRedisUrl(), { name, purpose: "commands" }));
    expect(await pingRedis(redis, 1_000)).toBe(true);
    // Spaces are not allowed in CLIENT SETNAME; the name is made server-safe instead of failing.
    expect(await redis.client("GETNAME")).toBe(name.replace(" ", "-"));
  });

  it("answers false, in bounded time, when nothing listens", async () => {
    const errors: string[] = [];
    const url = `redis://127.0.0.1:${await freePort()}`;
    const redis = open(url, { name: "nowhere", purpose: "commands", onError: (_e, n) => errors.push(n) });
    const { value, ms } = await timed(pingRedis(redis, 500));
    expect(value).toBe(false);
    expect(ms).toBeLessThan(1_500);
    expect(await eventually(async () => errors.length > 0, 5_000)).toBe(true);
    expect(errors[0]).toBe("nowhere");
  });

  it("answers false when the connection was closed", async () => {
    const redis = await ready(open(sharedRedisUrl(), { name: "closed", purpose: "commands" }));
    await redis.quit();
    expect(await pingRedis(redis, 500)).toBe(false);
  });

  it("configures commands to fail fast and BullMQ connections to wait", () => {
    const commands = open(sharedRedisUrl(), { name: "c", purpose: "commands" });
    const bullmq = open(sharedRedisUrl(), { name: "b", purpose: "bullmq" });
    expect(commands.options).toMatchObject({ enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    expect(bullmq.options).toMatchObject({ enableOfflineQueue: true, maxRetriesPerRequest: null });
    for (const redis of [commands, bullmq]) {
      const retry = redis.options.retryStrategy;
      const delays = [1, 2, 5, 10, 100, 10_000].map((attempt) => retry?.(attempt));
      for (const delay of delays) {
        expect(typeof delay).toBe("number");
        expect(delay).toBeGreaterThan(0);
        expect(delay).toBeLessThanOrEqual(1_000);
      }
    }
  });
});

describe("connections across a Redis restart", () => {
  let own: OwnRedis;
  const opened: Redis[] = [];

  beforeAll(async () => {
    own = await startOwnRedis();
  });

  afterAll(async () => {
    for (const redis of opened) redis.disconnect();
    await own.dispose();
  });

  it("reports the outage quickly, keeps reconnecting and recovers by itself", async () => {
    const errors: Error[] = [];
    const redis = await ready(
      createRedisConnection(own.url, {
        name: "restart",
        purpose: "commands",
        onError: (e) => errors.push(e),
      }),
    );
    opened.push(redis);
    expect(await pingRedis(redis, 1_000)).toBe(true);

    await own.stop();
    const { value, ms } = await timed(pingRedis(redis, 2_000));
    expect(value).toBe(false);
    expect(ms).toBeLessThan(2_500);
    // Commands fail at once rather than queueing until Redis returns.
    const { value: failed, ms: failMs } = await timed(
      redis.set("k", "v").then(
        () => false,
        () => true,
      ),
    );
    expect(failed).toBe(true);
    expect(failMs).toBeLessThan(1_000);
    expect(await eventually(async () => errors.length > 0, 5_000)).toBe(true);

    await sleep(1_500);
    await own.start();
    expect(await eventually(() => pingRedis(redis, 500), 10_000)).toBe(true);
    expect(await redis.set("k", "v")).toBe("OK");
  });

  it("lets a BullMQ connection hold commands until Redis is back", async () => {
    const redis = await ready(createRedisConnection(own.url, { name: "bullmq", purpose: "bullmq" }));
    opened.push(redis);
    await own.stop();
    await eventually(async () => redis.status !== "ready", 5_000);
    const held = redis.set("held", "yes");
    await sleep(500);
    await own.start();
    expect(await held).toBe("OK");
    expect(await redis.get("held")).toBe("yes");
  });
});
