import { spawnSync } from "node:child_process";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cliPath,
  connectAgent,
  createGatewayFixture,
  repoRoot,
  resultText,
  startGatewayProcess,
  type GatewayFixture,
  type GatewayProcess,
} from "../support/gateway-harness.js";
import { withClient } from "../support/services.js";
import { pollUntil } from "../support/wait.js";

const policy = {
  default: "allow",
  rules: [
    {
      id: "approve-credentials",
      tool: "create_api_key",
      action: "require_approval",
      approval: { timeout: "10m" },
    },
    {
      id: "approve-stacks",
      tool: "manage_hyperpod_stacks",
      action: "require_approval",
      approval: { timeout: "4s" },
    },
  ],
};

async function statuses(fixture: GatewayFixture): Promise<Record<string, string>> {
  return withClient(fixture.database.url, async (db) => {
    const { rows } = await db.query("SELECT id, status FROM approval_requests");
    return Object.fromEntries(rows.map((row) => [row.id, row.status]));
  });
}

describe("a replica killed with -9 while approvals are pending", () => {
  let fixture: GatewayFixture;
  let replica: GatewayProcess | undefined;
  const clients: Client[] = [];

  beforeAll(async () => {
    fixture = await createGatewayFixture({ policy, extra: { approvals: { hold: "60s" } } });
    replica = await startGatewayProcess(fixture);
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    await replica?.stop();
    await fixture?.dispose();
  });

  it("loses none: timeouts fire after restart, and an approval is redeemed exactly once", async () => {
    const first = replica as GatewayProcess;
    const agent = await connectAgent(first.url, "sagemaker");
    clients.push(agent);
    const held = [
      ...["a", "b", "c"].map((name) => ({
        name: "manage_hyperpod_stacks",
        arguments: { operation: "deploy", stack_name: name },
      })),
      ...["k1", "k2"].map((name) => ({ name: "create_api_key", arguments: { name } })),
    ].map((call) => agent.callTool(call).catch((error: unknown) => error));
    const pending = await pollUntil(
      () => statuses(fixture),
      (rows) => Object.keys(rows).length === 5,
    );
    expect(Object.values(pending)).toEqual(Array(5).fill("pending"));

    first.process.kill("SIGKILL");
    // The client would keep trying to resume its streams; the agent process is gone too.
    await agent.close();
    await Promise.all(held);
    replica = await startGatewayProcess(fixture);

    // The 4 s timeouts were scheduled by the dead replica; the new one's worker fires them.
    const afterTimeouts = await pollUntil(
      () => statuses(fixture),
      (rows) => Object.values(rows).filter((status) => status === "expired").length === 3,
    );
    expect(Object.values(afterTimeouts).sort()).toEqual([
      "expired",
      "expired",
      "expired",
      "pending",
      "pending",
    ]);

    const k1 = await withClient(
      fixture.database.url,
      async (db) =>
        (await db.query("SELECT id FROM approval_requests WHERE arguments->>'name' = 'k1'")).rows[0]
          .id as string,
    );
    const approved = spawnSync(
      process.execPath,
      [cliPath, "approvals", "approve", k1, "--as", "alice", "--config", fixture.configPath],
      {
        cwd: repoRoot,
        encoding: "utf8",
      },
    );
    expect(approved.status, approved.stderr).toBe(0);

    // Nothing ran by itself: the held calls' clients are gone.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fixture.readCallLog()).toHaveLength(0);

    const returning = await connectAgent(replica.url, "sagemaker");
    clients.push(returning);
    const redeemed = await returning.callTool({ name: "create_api_key", arguments: { name: "k1" } });
    expect(redeemed.isError).toBeFalsy();
    expect(resultText(redeemed)).toMatch(/sk-live-/);
    const expiredRetry = await returning.callTool({
      name: "manage_hyperpod_stacks",
      arguments: { operation: "deploy", stack_name: "a" },
    });
    expect(resultText(expiredRetry)).toMatch(/expired after 4s/);
    expect(fixture.readCallLog().map((call) => call.tool)).toEqual(["create_api_key"]);
  });
});
