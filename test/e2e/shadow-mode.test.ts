import { spawnSync } from "node:child_process";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cliPath,
  connectAgent,
  createGatewayFixture,
  type GatewayFixture,
  type InProcessGateway,
  repoRoot,
  resultText,
  startInProcessGateway,
} from "../support/gateway-harness.js";
import { withClient } from "../support/services.js";

interface DecisionRow {
  readonly tool: string;
  readonly decision: string;
  readonly rule_id: string | null;
  readonly shadow_decision: string | null;
  readonly shadow_rule_id: string | null;
}

/** A gateway on `policy`, an agent connected to it, and its decision rows by tool. */
function gatewayOn(policy: Record<string, unknown>) {
  const state = {} as { fixture: GatewayFixture; gateway: InProcessGateway; client: Client };
  beforeAll(async () => {
    state.fixture = await createGatewayFixture({ policy });
    state.gateway = await startInProcessGateway(state.fixture);
    state.client = await connectAgent(state.gateway.url, "sagemaker");
  });
  afterAll(async () => {
    await state.client?.close();
    await state.gateway?.close();
    await state.fixture?.dispose();
  });
  const rowsFor = async (tool: string): Promise<DecisionRow[]> => {
    await state.gateway.decisionLog.flush();
    return withClient(state.fixture.database.url, async (db) => {
      const query = `SELECT tool, decision, rule_id, shadow_decision, shadow_rule_id
                     FROM decisions WHERE tool = $1 ORDER BY created_at`;
      return (await db.query<DecisionRow>(query, [tool])).rows;
    });
  };
  const upstreamCalls = (tool: string) => state.fixture.readCallLog().filter((call) => call.tool === tool);
  return { state, rowsFor, upstreamCalls };
}

describe("a rule in shadow mode", () => {
  const { state, rowsFor, upstreamCalls } = gatewayOn({
    default: "allow",
    rules: [
      { id: "trial-no-deletes", tool: "delete_*", action: "deny", hide: true, mode: "shadow" },
      {
        id: "trial-throttle",
        tool: "list_endpoints",
        action: "rate_limit",
        mode: "shadow",
        rate_limit: { max: 1, window: "60s" },
      },
    ],
  });

  it("lets the call through to the upstream and records what it would have decided", async () => {
    const result = await state.client.callTool({
      name: "delete_endpoint",
      arguments: { endpoint_name: "ep-beta" },
    });
    expect(result.isError).toBeFalsy();
    expect(upstreamCalls("delete_endpoint")).toHaveLength(1);
    expect(await rowsFor("delete_endpoint")).toEqual([
      {
        tool: "delete_endpoint",
        decision: "allow",
        rule_id: null,
        shadow_decision: "deny",
        shadow_rule_id: "trial-no-deletes",
      },
    ]);
  });

  it("does not hide the tool it would hide", async () => {
    const { tools } = await state.client.listTools();
    expect(tools.map((tool) => tool.name)).toContain("delete_endpoint");
  });

  it("records a shadow rate limit as the action, without counting or refusing", async () => {
    for (let i = 0; i < 3; i += 1) {
      expect((await state.client.callTool({ name: "list_endpoints", arguments: {} })).isError).toBeFalsy();
    }
    expect(upstreamCalls("list_endpoints")).toHaveLength(3);
    const rows = await rowsFor("list_endpoints");
    expect(rows.map((row) => [row.decision, row.shadow_decision, row.shadow_rule_id])).toEqual(
      Array.from({ length: 3 }, () => ["allow", "rate_limit", "trial-throttle"]),
    );
  });

  it("records no shadow decision for calls no shadow rule matches", async () => {
    await state.client.callTool({ name: "describe_endpoint", arguments: { endpoint_name: "ep-alpha" } });
    const [row] = await rowsFor("describe_endpoint");
    expect(row).toMatchObject({ decision: "allow", shadow_decision: null, shadow_rule_id: null });
  });
});

describe("policy.mode: shadow", () => {
  const { state, rowsFor, upstreamCalls } = gatewayOn({
    default: "deny",
    mode: "shadow",
    rules: [
      { id: "no-describe", tool: "describe_endpoint", action: "deny", reason: "not yet" },
      { id: "keys-stay-denied", tool: "create_api_key", action: "deny", reason: "No keys", mode: "enforce" },
    ],
  });

  it("allows a call a rule would deny, recording the rule", async () => {
    const result = await state.client.callTool({
      name: "describe_endpoint",
      arguments: { endpoint_name: "ep-alpha" },
    });
    expect(result.isError).toBeFalsy();
    expect(upstreamCalls("describe_endpoint")).toHaveLength(1);
    const [row] = await rowsFor("describe_endpoint");
    expect(row).toMatchObject({ decision: "allow", shadow_decision: "deny", shadow_rule_id: "no-describe" });
  });

  it("allows a call the default would deny, recording the default (no rule id)", async () => {
    expect((await state.client.callTool({ name: "list_endpoints", arguments: {} })).isError).toBeFalsy();
    expect(upstreamCalls("list_endpoints")).toHaveLength(1);
    const [row] = await rowsFor("list_endpoints");
    expect(row).toMatchObject({
      decision: "allow",
      rule_id: null,
      shadow_decision: "deny",
      shadow_rule_id: null,
    });
  });

  it("still enforces a rule marked mode: enforce", async () => {
    const result = await state.client.callTool({ name: "create_api_key", arguments: { name: "ci" } });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain("No keys");
    expect(upstreamCalls("create_api_key")).toHaveLength(0);
    const [row] = await rowsFor("create_api_key");
    expect(row).toMatchObject({ decision: "deny", rule_id: "keys-stay-denied", shadow_decision: null });
  });
});

describe("policy test with shadow rules", () => {
  let fixture: GatewayFixture;
  beforeAll(async () => {
    fixture = await createGatewayFixture({
      policy: {
        default: "allow",
        rules: [
          { id: "trial-no-deletes", tool: "delete_*", action: "deny", reason: "Trial", mode: "shadow" },
        ],
      },
    });
  });
  afterAll(async () => {
    await fixture?.dispose();
  });
  const policyTest = (tool: string) =>
    spawnSync(
      process.execPath,
      [cliPath, "policy", "test", "--config", fixture.configPath, "--upstream", "sagemaker", "--tool", tool],
      { cwd: repoRoot, encoding: "utf8" },
    );

  it("prints the enforced decision and, apart, what the shadow rule would decide", () => {
    const shadowed = policyTest("delete_endpoint");
    expect(shadowed.status, shadowed.stderr).toBe(0);
    expect(shadowed.stdout).toContain("decision: allow\n");
    expect(shadowed.stdout).toContain(
      "shadow:   deny by rule trial-no-deletes: Trial (recorded, not enforced)",
    );
    expect(policyTest("list_endpoints").stdout).not.toContain("shadow:");
  });
});
