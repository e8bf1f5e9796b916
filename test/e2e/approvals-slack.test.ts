import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  connectAgent,
  createGatewayFixture,
  resultText,
  startGatewayProcess,
  type GatewayFixture,
  type GatewayProcess,
} from "../support/gateway-harness.js";
import { startFakeSlackApi, type FakeSlackApi, type FakeSlackCall } from "../support/fake-slack-api.js";
import { withClient } from "../support/services.js";
import { blockActionPayload, signedSlackRequest, viewSubmissionPayload } from "../support/slack-requests.js";

const signingSecret = "test-signing-secret-0123456789";
const channel = "C0APPROVALS";
const alice = { id: "U111", username: "alice" };
const bob = { id: "U222", username: "bob" };
const mallory = { id: "U999", username: "mallory" };

const policy = {
  default: "allow",
  rules: [
    {
      id: "approve-credentials",
      tool: "create_api_key",
      action: "require_approval",
      approval: { approvers: [alice.id, bob.id], timeout: "10m", require_reason_on_deny: true },
    },
    {
      id: "two-person-stacks",
      tool: "manage_hyperpod_stacks",
      when: { "args.operation": "deploy" },
      action: "require_approval",
      approval: { approvers: [alice.id, bob.id], quorum: 2, timeout: "10m" },
    },
    { id: "quick-expiry", tool: "delete_endpoint", action: "require_approval", approval: { timeout: "2s" } },
  ],
};

interface PendingApproval {
  readonly id: string;
  readonly ts: string;
}

describe("approvals through Slack, across two replicas", () => {
  let slack: FakeSlackApi;
  let fixture: GatewayFixture;
  let replicaA: GatewayProcess;
  let replicaB: GatewayProcess;
  let agent: Client;
  const calls = (tool: string) => fixture.readCallLog().filter((call) => call.tool === tool);

  /** Posts a signed interaction to a replica, as Slack would. */
  const interact = (
    replica: GatewayProcess,
    payload: Record<string, unknown>,
    signing: { timestamp?: number; forge?: boolean } = {},
  ) => {
    const request = signedSlackRequest(payload, { signingSecret, ...signing });
    return fetch(`${replica.url}/slack/events`, {
      method: "POST",
      headers: request.headers,
      body: request.body,
    });
  };
  const click = (replica: GatewayProcess, actionId: string, approval: PendingApproval, user = alice) =>
    interact(
      replica,
      blockActionPayload({
        actionId,
        approvalId: approval.id,
        user,
        channelId: channel,
        messageTs: approval.ts,
      }),
    );

  /** Waits until the request for `name` is posted to Slack, and returns its id and message ts. */
  const posted = async (
    tool: string,
    match: (args: Record<string, unknown>) => boolean,
  ): Promise<PendingApproval> => {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const rows = await withClient(
        fixture.database.url,
        async (db) =>
          (
            await db.query(
              "SELECT id, arguments, slack_message_ts FROM approval_requests WHERE tool = $1 AND slack_message_ts IS NOT NULL",
              [tool],
            )
          ).rows,
      );
      const row = rows.find((candidate) => match(candidate.arguments));
      if (row) return { id: row.id, ts: row.slack_message_ts };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no Slack message for ${tool}`);
  };
  const waitForCall = async (
    method: string,
    match: (call: FakeSlackCall) => boolean,
  ): Promise<FakeSlackCall> => {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const found = slack.calls(method).find(match);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no ${method} call as expected`);
  };
  const updatesOf = (ts: string) => slack.calls("chat.update").filter((call) => call.body.ts === ts);
  const waitForUpdate = async (ts: string, text: RegExp) => {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const found = updatesOf(ts).find((call) => text.test(JSON.stringify(call.body.blocks)));
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no chat.update matching ${text}`);
  };

  beforeAll(async () => {
    slack = await startFakeSlackApi();
    fixture = await createGatewayFixture({
      policy,
      extra: {
        slack: { bot_token: "xoxb-test-token", signing_secret: signingSecret, channel, api_url: slack.url },
        approvals: { hold: "30s" },
      },
    });
    [replicaA, replicaB] = await Promise.all([startGatewayProcess(fixture), startGatewayProcess(fixture)]);
    agent = await connectAgent(replicaA.url, "sagemaker");
  });

  beforeEach(() => slack.clear());

  afterAll(async () => {
    await agent?.close();
    await Promise.all([replicaA?.stop(), replicaB?.stop()]);
    await slack?.close();
    await fixture?.dispose();
  });

  it("posts the request with what is asked, by whom, and Approve / Deny buttons", async () => {
    const held = agent.callTool({
      name: "create_api_key",
      arguments: { name: "shown", client_secret: "s3cr3t-value-xyz" },
    });
    const approval = await posted("create_api_key", (args) => args.name === "shown");
    const message = slack
      .calls("chat.postMessage")
      .find((call) => JSON.stringify(call.body).includes(approval.id));
    expect(message?.body.channel).toBe(channel);
    const blocks = JSON.stringify(message?.body.blocks);
    expect(blocks).toContain("create_api_key");
    expect(blocks).toContain("ci-bot");
    expect(blocks).toContain("approve-credentials");
    expect(blocks).toContain("approval_approve");
    expect(blocks).toContain("approval_deny");
    expect(blocks).not.toContain("s3cr3t-value-xyz");
    await click(replicaB, "approval_approve", approval);
    await held;
  });

  it("resumes the call held by replica A when the Approve click reaches replica B", async () => {
    const held = agent.callTool({ name: "create_api_key", arguments: { name: "cross-replica" } });
    const approval = await posted("create_api_key", (args) => args.name === "cross-replica");
    expect(calls("create_api_key").filter((call) => call.args.name === "cross-replica")).toHaveLength(0);
    const response = await click(replicaB, "approval_approve", approval, bob);
    expect(response.status).toBe(200);
    const result = await held;
    expect(result.isError).toBeFalsy();
    expect(resultText(result)).toMatch(/sk-live-/);
    expect(calls("create_api_key").filter((call) => call.args.name === "cross-replica")).toHaveLength(1);
    const update = await waitForUpdate(approval.ts, /Upstream call: ok/);
    expect(JSON.stringify(update.body.blocks)).toMatch(/Approved by/);
    expect(JSON.stringify(update.body.blocks)).not.toContain("approval_approve");
  });

  it("denies through the modal and hands the reviewer's reason to the agent", async () => {
    const held = agent.callTool({ name: "create_api_key", arguments: { name: "denied-key" } });
    const approval = await posted("create_api_key", (args) => args.name === "denied-key");
    await click(replicaA, "approval_deny", approval, bob);
    const modal = await waitForCall("views.open", (call) =>
      JSON.stringify(call.body.view).includes(approval.id),
    );
    expect(modal.body.trigger_id).toBeTruthy();

    const blank = await interact(
      replicaB,
      viewSubmissionPayload({ approvalId: approval.id, channelId: channel, reason: null, user: bob }),
    );
    expect(await blank.json()).toMatchObject({ response_action: "errors" });
    const submitted = await interact(
      replicaB,
      viewSubmissionPayload({
        approvalId: approval.id,
        channelId: channel,
        reason: "Use the scoped deploy key",
        user: bob,
      }),
    );
    expect(submitted.status).toBe(200);
    const result = await held;
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain("Rejected by bob: Use the scoped deploy key");
    expect(calls("create_api_key").filter((call) => call.args.name === "denied-key")).toHaveLength(0);
    await waitForUpdate(approval.ts, /Use the scoped deploy key/);
  });

  it("answers an unauthorised reviewer privately and changes nothing", async () => {
    const held = agent.callTool({ name: "create_api_key", arguments: { name: "guarded" } });
    const approval = await posted("create_api_key", (args) => args.name === "guarded");
    await click(replicaB, "approval_approve", approval, mallory);
    const ephemeral = await waitForCall("chat.postEphemeral", (call) => call.body.user === mallory.id);
    expect(String(ephemeral.body.text)).toContain("not an approver");
    const status = await withClient(
      fixture.database.url,
      async (db) =>
        (await db.query("SELECT status FROM approval_requests WHERE id = $1", [approval.id])).rows[0].status,
    );
    expect(status).toBe("pending");
    await click(replicaB, "approval_approve", approval, alice);
    expect((await held).isError).toBeFalsy();
  });

  it("rejects forged signatures and replayed old requests without touching the approval", async () => {
    const held = agent.callTool({ name: "create_api_key", arguments: { name: "forgery-target" } });
    const approval = await posted("create_api_key", (args) => args.name === "forgery-target");
    const payload = blockActionPayload({
      actionId: "approval_approve",
      approvalId: approval.id,
      user: alice,
      channelId: channel,
      messageTs: approval.ts,
    });
    const forged = await interact(replicaB, payload, { forge: true });
    expect(forged.status).toBe(401);
    const replayed = await interact(replicaB, payload, { timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect(replayed.status).toBe(401);
    const status = await withClient(
      fixture.database.url,
      async (db) =>
        (await db.query("SELECT status FROM approval_requests WHERE id = $1", [approval.id])).rows[0].status,
    );
    expect(status).toBe("pending");
    expect(calls("create_api_key").filter((call) => call.args.name === "forgery-target")).toHaveLength(0);
    await click(replicaA, "approval_approve", approval, alice);
    await held;
  });

  it("counts a double click once", async () => {
    const held = agent.callTool({ name: "create_api_key", arguments: { name: "double-click" } });
    const approval = await posted("create_api_key", (args) => args.name === "double-click");
    const responses = await Promise.all([
      click(replicaA, "approval_approve", approval),
      click(replicaB, "approval_approve", approval),
    ]);
    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    expect((await held).isError).toBeFalsy();
    const votes = await withClient(
      fixture.database.url,
      async (db) =>
        (
          await db.query("SELECT count(*)::int AS n FROM approval_votes WHERE approval_id = $1", [
            approval.id,
          ])
        ).rows[0].n,
    );
    expect(votes).toBe(1);
    expect(calls("create_api_key").filter((call) => call.args.name === "double-click")).toHaveLength(1);
  });

  it("needs both reviewers for quorum 2, even when they click at the same moment", async () => {
    const held = agent.callTool({
      name: "manage_hyperpod_stacks",
      arguments: { operation: "deploy", stack_name: "quorum" },
    });
    const approval = await posted("manage_hyperpod_stacks", (args) => args.stack_name === "quorum");
    await Promise.all([
      click(replicaA, "approval_approve", approval, alice),
      click(replicaB, "approval_approve", approval, bob),
    ]);
    const result = await held;
    expect(result.isError).toBeFalsy();
    const row = await withClient(
      fixture.database.url,
      async (db) =>
        (
          await db.query(
            "SELECT status, (SELECT count(*)::int FROM approval_votes v WHERE v.approval_id = r.id) AS votes FROM approval_requests r WHERE id = $1",
            [approval.id],
          )
        ).rows[0],
    );
    expect(row).toEqual({ status: "approved", votes: 2 });
    expect(calls("manage_hyperpod_stacks")).toHaveLength(1);
  });

  it("expires after the rule's timeout and updates the message", async () => {
    const result = await agent.callTool({ name: "delete_endpoint", arguments: { endpoint_name: "ep-beta" } });
    expect(resultText(result)).toMatch(/expired after 2s/);
    const approval = await posted("delete_endpoint", () => true);
    await waitForUpdate(approval.ts, /Expired/);
    const late = await click(replicaB, "approval_approve", approval);
    expect(late.status).toBe(200);
    await waitForCall("chat.postEphemeral", (call) => String(call.body.text).includes("already expired"));
    expect(calls("delete_endpoint")).toHaveLength(0);
  });
  it("after replica A is killed with -9, a click on B still updates Slack and nothing runs by itself", async () => {
    const orphan = await connectAgent(replicaA.url, "sagemaker");
    const held = orphan
      .callTool({ name: "create_api_key", arguments: { name: "orphaned" } })
      .catch((error: unknown) => error);
    const approval = await posted("create_api_key", (args) => args.name === "orphaned");
    replicaA.process.kill("SIGKILL");
    await orphan.close();
    await held;
    await click(replicaB, "approval_approve", approval, alice);
    await waitForUpdate(approval.ts, /Approved by/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(calls("create_api_key").filter((call) => call.args.name === "orphaned")).toHaveLength(0);
    const returning = await connectAgent(replicaB.url, "sagemaker");
    const redeemed = await returning.callTool({ name: "create_api_key", arguments: { name: "orphaned" } });
    await returning.close();
    expect(redeemed.isError).toBeFalsy();
    expect(calls("create_api_key").filter((call) => call.args.name === "orphaned")).toHaveLength(1);
    await waitForUpdate(approval.ts, /Upstream call: ok/);
  });
});
