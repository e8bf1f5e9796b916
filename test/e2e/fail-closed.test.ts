import { inject, afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  connectAgent,
  createGatewayFixture,
  resultText,
  startInProcessGateway,
  type GatewayFixture,
  type InProcessGateway,
} from "../support/gateway-harness.js";
import { startOwnRedis, withClient, type OwnRedis } from "../support/services.js";
import { pollUntil } from "../support/wait.js";

const policy = {
  default: "allow",
  rules: [
    {
      id: "counted",
      tool: "describe_endpoint",
      action: "rate_limit",
      rate_limit: { max: 1000, window: "60s" },
    },
  ],
};

describe("fail closed when Redis goes away", () => {
  let redis: OwnRedis;
  let fixture: GatewayFixture;
  let gateway: InProcessGateway;
  let client: Client;
  const describeCall = () =>
    client.callTool({ name: "describe_endpoint", arguments: { endpoint_name: "ep-alpha" } });

  beforeAll(async () => {
    redis = await startOwnRedis();
    fixture = await createGatewayFixture({ policy, redisUrl: redis.url });
    gateway = await startInProcessGateway(fixture);
    client = await connectAgent(gateway.url, "sagemaker");
  });

  afterAll(async () => {
    await client?.close();
    await gateway?.close();
    await redis?.dispose();
    await fixture?.dispose();
  });

  it("refuses calls that need the rate limiter, quickly and clearly, then recovers by itself", async () => {
    expect((await describeCall()).isError).toBeFalsy();
    const reachedBefore = fixture.readCallLog().length;

    await redis.stop();
    const startedAt = Date.now();
    const refused = await describeCall();
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    expect(refused.isError).toBe(true);
    expect(resultText(refused)).toContain("rate limiter is unavailable");
    expect(fixture.readCallLog().length).toBe(reachedBefore);
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(503);

    // A call that needs no counting does not depend on Redis.
    expect((await client.callTool({ name: "list_endpoints", arguments: {} })).isError).toBeFalsy();

    await redis.start();
    const recovered = await pollUntil(describeCall, (result) => !result.isError, { timeoutMs: 15_000 });
    expect(resultText(recovered)).toContain("ep-alpha");
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
  });
});

describe("Postgres outage", () => {
  let fixture: GatewayFixture;
  let gateway: InProcessGateway;
  let client: Client;
  const adminUrl = () => inject("databaseUrl");
  const setConnections = (allowed: boolean) =>
    withClient(adminUrl(), async (db) => {
      await db.query(`ALTER DATABASE ${fixture.database.name} ALLOW_CONNECTIONS ${allowed}`);
      if (!allowed) {
        await db.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", [
          fixture.database.name,
        ]);
      }
    });

  beforeAll(async () => {
    fixture = await createGatewayFixture({ policy: { default: "allow" } });
    gateway = await startInProcessGateway(fixture);
    client = await connectAgent(gateway.url, "sagemaker");
  });

  afterAll(async () => {
    await setConnections(true);
    await client?.close();
    await gateway?.close();
    await fixture?.dispose();
  });

  it("keeps the decisions made during the outage and writes them once it is back", async () => {
    await setConnections(false);
    for (let i = 0; i < 5; i += 1) {
      const result = await client.callTool({ name: "list_endpoints", arguments: { attempt: i } });
      expect(result.isError).toBeFalsy();
    }
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(503);
    await setConnections(true);
    const count = await pollUntil(
      () =>
        withClient(
          fixture.database.url,
          async (db) => (await db.query("SELECT count(*)::int AS n FROM decisions")).rows[0].n as number,
        ),
      (n) => n >= 5,
    );
    expect(count).toBe(5);
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
  });
});
