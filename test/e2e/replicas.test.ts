import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  connectAgent,
  createGatewayFixture,
  resultText,
  startGatewayProcess,
  type GatewayFixture,
  type GatewayProcess,
} from "../support/gateway-harness.js";
import { withClient } from "../support/services.js";

const max = 50;

describe("two gateway processes sharing one Redis", () => {
  let fixture: GatewayFixture;
  let replicas: GatewayProcess[] = [];

  beforeAll(async () => {
    fixture = await createGatewayFixture({
      policy: {
        default: "allow",
        rules: [
          {
            id: "fleet-cap",
            tool: "list_endpoints",
            action: "rate_limit",
            rate_limit: { max, window: "10m", per: "agent" },
          },
        ],
      },
    });
    replicas = await Promise.all([startGatewayProcess(fixture), startGatewayProcess(fixture)]);
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await fixture?.dispose();
  });

  it(`lets exactly ${max} of 200 concurrent calls through, across both replicas`, async () => {
    const clients: Client[] = [];
    for (const replica of replicas) {
      for (let i = 0; i < 4; i += 1) clients.push(await connectAgent(replica.url, "sagemaker"));
    }
    try {
      const calls = Array.from({ length: 200 }, (_, i) =>
        (clients[i % clients.length] as Client).callTool({ name: "list_endpoints", arguments: {} }),
      );
      const results = await Promise.all(calls);
      const passed = results.filter((result) => !result.isError);
      const limited = results.filter((result) => resultText(result).includes("Rate limited"));
      expect(passed.length).toBe(max);
      expect(limited.length).toBe(200 - max);
      expect(fixture.readCallLog().filter((call) => call.tool === "list_endpoints").length).toBe(max);
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
  });

  it("records every one of those decisions in Postgres", async () => {
    // The replicas flush their decision logs within a few tens of milliseconds.
    let counts: Record<string, number> = {};
    for (let attempt = 0; attempt < 50; attempt += 1) {
      counts = await withClient(fixture.database.url, async (db) => {
        const { rows } = await db.query(
          "SELECT decision, count(*)::int AS n FROM decisions GROUP BY decision",
        );
        return Object.fromEntries(rows.map((row) => [row.decision, row.n]));
      });
      if ((counts.allow ?? 0) + (counts.rate_limited ?? 0) >= 200) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(counts).toEqual({ allow: max, rate_limited: 200 - max });
  });
});
