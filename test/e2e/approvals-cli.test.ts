import { spawnSync } from "node:child_process";
import { CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cliPath,
  connectAgent,
  createGatewayFixture,
  repoRoot,
  resultText,
  startInProcessGateway,
  type GatewayFixture,
  type InProcessGateway,
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
      approval: { timeout: "10m", require_reason_on_deny: true },
    },
    {
      id: "approve-stacks",
      tool: "manage_hyperpod_stacks",
      action: "require_approval",
      approval: { timeout: "2s" },
    },
  ],
};

function approvalsCli(fixture: GatewayFixture, args: string[]) {
  return spawnSync(process.execPath, [cliPath, "approvals", ...args, "--config", fixture.configPath], {
    cwd: repoRoot,
    encoding: "utf8",
    timeout: 30_000,
  });
}

async function pendingIds(fixture: GatewayFixture, tool: string): Promise<string[]> {
  return withClient(fixture.database.url, async (db) =>
    (
      await db.query(
        "SELECT id FROM approval_requests WHERE tool = $1 AND status = 'pending' ORDER BY created_at",
        [tool],
      )
    ).rows.map((row) => row.id as string),
  );
}

/** The pending request for `tool`; fails fast, with the answer, if the held call ends first. */
async function waitForPending(
  fixture: GatewayFixture,
  tool: string,
  held?: Promise<unknown>,
): Promise<string[]> {
  let ended: { value: unknown } | undefined;
  void held?.then(
    (value) => (ended = { value: value instanceof Error ? value.message : value }),
    (error: unknown) => (ended = { value: error instanceof Error ? error.message : error }),
  );
  for (let attempt = 0; attempt < 300; attempt += 1) {
    const ids = await pendingIds(fixture, tool);
    if (ids.length > 0) return ids;
    if (ended)
      throw new Error(`the call ended before its approval was pending: ${JSON.stringify(ended.value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no pending approval for ${tool}`);
}

describe("approvals decided from the CLI", () => {
  let fixture: GatewayFixture;
  let gateway: InProcessGateway;
  let client: Client;
  const calls = (tool: string) => fixture.readCallLog().filter((call) => call.tool === tool);

  beforeAll(async () => {
    fixture = await createGatewayFixture({
      policy,
      extra: { approvals: { hold: "50s", grant_ttl: "5m", progress_interval: "200ms" } },
    });
    gateway = await startInProcessGateway(fixture);
    client = await connectAgent(gateway.url, "sagemaker");
  });

  afterAll(async () => {
    await client?.close();
    await gateway?.close();
    await fixture?.dispose();
  });

  it("holds the call, then forwards it once when an operator approves, with progress meanwhile", async () => {
    const progress: string[] = [];
    const held = client.callTool(
      { name: "create_api_key", arguments: { name: "ci-deploy" } },
      CallToolResultSchema,
      {
        onprogress: (update) => progress.push(update.message ?? ""),
        resetTimeoutOnProgress: true,
      },
    );
    const [id] = await waitForPending(fixture, "create_api_key", held);
    expect(calls("create_api_key")).toHaveLength(0);
    await pollUntil(
      async () => progress.length,
      (count) => count >= 2,
      { timeoutMs: 15_000 },
    );
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress[0]).toContain(`Waiting for human approval (request ${id})`);

    const listed = approvalsCli(fixture, ["list"]);
    expect(listed.stdout).toContain(String(id));
    const approved = approvalsCli(fixture, ["approve", String(id), "--as", "alice"]);
    expect(approved.status, approved.stderr).toBe(0);
    expect(approved.stdout).toContain("approved");

    const result = await held;
    expect(result.isError).toBeFalsy();
    expect(resultText(result)).toMatch(/sk-live-[0-9a-f]{32}/);
    expect(calls("create_api_key")).toHaveLength(1);

    const again = approvalsCli(fixture, ["approve", String(id), "--as", "bob"]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("already approved by alice");

    await gateway.decisionLog.flush();
    const row = await withClient(
      fixture.database.url,
      async (db) => (await db.query("SELECT * FROM decisions WHERE approval_id = $1", [id])).rows[0],
    );
    expect(row).toMatchObject({
      decision: "require_approval",
      approval_status: "approved",
      outcome: "ok",
      reviewers: ["alice"],
    });
    expect(row.approval_wait_ms).toBeGreaterThan(0);
  });

  it("returns the reviewer's reason when an operator denies, and requires one when the rule says so", async () => {
    const held = client.callTool({ name: "create_api_key", arguments: { name: "too-broad" } });
    const [id] = await waitForPending(fixture, "create_api_key", held);
    const withoutReason = approvalsCli(fixture, ["deny", String(id), "--as", "carol"]);
    expect(withoutReason.status).toBe(1);
    expect(withoutReason.stderr).toContain("requires a reason");
    const denied = approvalsCli(fixture, [
      "deny",
      String(id),
      "--as",
      "carol",
      "--reason",
      "scope too broad",
    ]);
    expect(denied.status, denied.stderr).toBe(0);
    const result = await held;
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain("Rejected by carol: scope too broad");
    expect(calls("create_api_key").some((call) => call.args.name === "too-broad")).toBe(false);
  });

  it("expires after the rule's timeout and tells the agent", async () => {
    const result = await client.callTool({
      name: "manage_hyperpod_stacks",
      arguments: { operation: "deploy", stack_name: "exp" },
    });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toMatch(/expired after 2s/);
    expect(calls("manage_hyperpod_stacks")).toHaveLength(0);
  });

  it("answers an unknown approval id clearly", () => {
    const result = approvalsCli(fixture, [
      "approve",
      "00000000-0000-4000-8000-000000000000",
      "--as",
      "alice",
    ]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("No approval request");
  });

  it("cancels the approval when the client cancels the call", async () => {
    const controller = new AbortController();
    const held = client
      .callTool({ name: "create_api_key", arguments: { name: "cancelled" } }, CallToolResultSchema, {
        signal: controller.signal,
      })
      .catch((error: unknown) => error);
    const [id] = await waitForPending(fixture, "create_api_key", held);
    controller.abort();
    await held;
    let status = "pending";
    for (let attempt = 0; attempt < 50 && status === "pending"; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = await withClient(
        fixture.database.url,
        async (db) =>
          (await db.query("SELECT status FROM approval_requests WHERE id = $1", [id])).rows[0].status,
      );
    }
    expect(status).toBe("cancelled");
    const late = approvalsCli(fixture, ["approve", String(id), "--as", "alice"]);
    expect(late.stderr).toContain("already cancelled");
    expect(calls("create_api_key").some((call) => call.args.name === "cancelled")).toBe(false);
  });
});

describe("a client that disconnects while its call is held", () => {
  let fixture: GatewayFixture;
  let gateway: InProcessGateway;

  beforeAll(async () => {
    fixture = await createGatewayFixture({ policy });
    gateway = await startInProcessGateway(fixture);
  });

  afterAll(async () => {
    await gateway?.close();
    await fixture?.dispose();
  });

  it("cancels the approval, which then cannot be approved into running", async () => {
    const client = await connectAgent(gateway.url, "sagemaker");
    const held = client
      .callTool({ name: "create_api_key", arguments: { name: "gone" } })
      .catch((error: unknown) => error);
    const [id] = await waitForPending(fixture, "create_api_key", held);
    await client.close();
    await held;
    let status = "pending";
    for (let attempt = 0; attempt < 50 && status === "pending"; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = await withClient(
        fixture.database.url,
        async (db) =>
          (await db.query("SELECT status FROM approval_requests WHERE id = $1", [id])).rows[0].status,
      );
    }
    expect(status).toBe("cancelled");
    expect(fixture.readCallLog()).toHaveLength(0);
  });
});

describe("retry-redeem after the hold ends", () => {
  let fixture: GatewayFixture;
  let gateway: InProcessGateway;
  let client: Client;

  beforeAll(async () => {
    fixture = await createGatewayFixture({
      policy,
      extra: { approvals: { hold: "500ms", grant_ttl: "5m" } },
    });
    gateway = await startInProcessGateway(fixture);
    client = await connectAgent(gateway.url, "sagemaker");
  });

  afterAll(async () => {
    await client?.close();
    await gateway?.close();
    await fixture?.dispose();
  });

  it("answers 'approval pending', then forwards exactly one retry of the same call once approved", async () => {
    const args = { name: "redeem-me", expires_in_days: 7 };
    const first = await client.callTool({ name: "create_api_key", arguments: args });
    expect(first.isError).toBe(true);
    const id = /approval id ([0-9a-f-]{36})/.exec(resultText(first))?.[1];
    expect(id).toBeDefined();
    expect(resultText(first)).toContain("Call it again with the same arguments");

    // A retry before the decision re-attaches to the same request instead of asking again.
    const early = await client.callTool({
      name: "create_api_key",
      arguments: { expires_in_days: 7, name: "redeem-me" },
    });
    expect(resultText(early)).toContain(String(id));
    expect(await pendingIds(fixture, "create_api_key")).toEqual([id]);

    expect(approvalsCli(fixture, ["approve", String(id), "--as", "alice"]).status).toBe(0);
    const retries = await Promise.all(
      [1, 2, 3].map(() => client.callTool({ name: "create_api_key", arguments: args })),
    );
    const executed = retries.filter((result) => !result.isError);
    expect(executed).toHaveLength(1);
    expect(fixture.readCallLog().filter((call) => call.tool === "create_api_key")).toHaveLength(1);

    // The grant is spent: the next identical call asks anew.
    const after = await client.callTool({ name: "create_api_key", arguments: args });
    expect(resultText(after)).toContain("Approval pending");
    expect(resultText(after)).not.toContain(String(id));
  });
});
