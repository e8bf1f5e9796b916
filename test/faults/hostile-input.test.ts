import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentTokens, resultText } from "../support/gateway-harness.js";
import { signedSlackRequest, viewSubmissionPayload } from "../support/slack-requests.js";
import { pollUntil } from "../support/wait.js";
import { runCli } from "./support/cli-runner.js";
import { mapConcurrently, queryCount, queryRows, reportFigures } from "./support/fault-helpers.js";
import {
  alice,
  channel,
  configDenyReason,
  hostileText,
  impostor,
  mallory,
  signingSecret,
  startHostileGateway,
  type HostileGateway,
} from "./support/hostile-gateway.js";
import {
  badPolicyCases,
  configWithPolicy,
  deepArrays,
  deepObjects,
  malformedBodies,
} from "./support/hostile-inputs.js";
import { postRaw, toolCallBody, type RawReply } from "../support/raw-mcp.js";

describe("hostile input against a running gateway process", () => {
  let target: HostileGateway;
  const counts: Record<string, number> = {};
  const count = (category: string, n = 1) => (counts[category] = (counts[category] ?? 0) + n);
  const decisionCount = () =>
    queryCount(target.fixture.database.url, "SELECT count(*)::int AS n FROM decisions");

  beforeAll(async () => {
    target = await startHostileGateway();
  });

  afterAll(async () => {
    await target?.dispose();
  });

  it("refuses forged, replayed, unsigned and tampered Slack requests with 401 and changes nothing", async () => {
    const { gateway, slack, interact, click, approvalState } = target;
    const approve = click("approval_approve", alice);
    const signed = signedSlackRequest(approve, { signingSecret });
    const tampered = signedSlackRequest(click("approval_approve", mallory), { signingSecret });
    const attempts: Array<() => Promise<number>> = [
      () => interact(approve, { forge: true }),
      () => interact(approve, { timestamp: Math.floor(Date.now() / 1000) - 600 }),
      () =>
        fetch(`${gateway.url}/slack/events`, {
          method: "POST",
          headers: { "content-type": signed.headers["content-type"] ?? "" },
          body: signed.body,
        }).then((r) => r.status),
      // Alice's valid signature over Mallory's body.
      () =>
        fetch(`${gateway.url}/slack/events`, {
          method: "POST",
          headers: signed.headers,
          body: tampered.body,
        }).then((r) => r.status),
    ];
    for (const attempt of attempts) {
      expect(await attempt()).toBe(401);
      count("Slack requests refused with 401");
    }
    expect(await approvalState()).toEqual({ status: "pending", votes: 0 });
    expect(slack.calls("chat.postEphemeral")).toHaveLength(0);
  });

  it("answers unauthorised reviewers privately and records nothing", async () => {
    const { slack, interact, click, approval, approvalState } = target;
    const before = slack.calls("chat.postEphemeral").length;
    const attempts = [
      click("approval_approve", mallory),
      click("approval_deny", mallory),
      viewSubmissionPayload({
        approvalId: approval.id,
        channelId: channel,
        reason: "mallory says no",
        user: mallory,
      }),
      click("approval_approve", impostor),
    ];
    for (const payload of attempts) {
      expect(await interact(payload)).toBe(200);
      count("unauthorised reviewers refused");
    }
    const replies = await pollUntil(
      () => Promise.resolve(slack.calls("chat.postEphemeral").slice(before)),
      (calls) => calls.length >= attempts.length,
      { timeoutMs: 30_000 },
    );
    expect(replies.map((call) => String(call.body.text))).toEqual(
      Array(attempts.length).fill(expect.stringContaining("not an approver")),
    );
    expect(slack.calls("views.open")).toHaveLength(0);
    expect(await approvalState()).toEqual({ status: "pending", votes: 0 });
  });

  it("answers malformed JSON-RPC with JSON-RPC errors, never a 5xx", async () => {
    const { raw, mcpUrl, fixture } = target;
    const decisionsBefore = await decisionCount();
    for (const { label, body } of malformedBodies) {
      expect(refusedCleanly(await raw.post(body)), label).toBe(true);
      count("malformed JSON-RPC bodies refused");
    }
    const sessionless = await postRaw(mcpUrl, "[1,2]", {
      authorization: `Bearer ${agentTokens["ci-bot"]}`,
    });
    expect(refusedCleanly(sessionless)).toBe(true);
    count("malformed JSON-RPC bodies refused");
    expect(fixture.readCallLog()).toHaveLength(0);
    expect(await decisionCount()).toBe(decisionsBefore);
  });

  it("refuses a 10 MB body with 413", async () => {
    const { raw, mcpUrl, fixture } = target;
    const huge = toolCallBody(100, "echo", JSON.stringify({ payload: "x".repeat(10 * 1024 * 1024) }));
    for (const reply of [
      await raw.post(huge),
      await postRaw(mcpUrl, huge, { authorization: `Bearer ${agentTokens["ops-bot"]}` }),
    ]) {
      expect(reply.status).toBe(413);
      expect(reply.messages[0]).toMatchObject({ error: { message: "Request body too large" } });
      count("10 MB bodies refused with 413");
    }
    expect(fixture.readCallLog()).toHaveLength(0);
  });

  it("answers calls with arguments nested 10,000 and 100,000 deep, and records each", async () => {
    const cases = [
      { tool: "echo", args: `{"payload":${deepArrays(10_000)}}` },
      { tool: "echo", args: `{"payload":${deepObjects(10_000)}}` },
      { tool: "echo", args: `{"payload":${deepArrays(100_000)}}` },
      { tool: "delete_endpoint", args: `{"endpoint_name":${deepArrays(10_000)}}` },
      { tool: "create_api_key", args: `{"name":${deepArrays(10_000)}}` },
    ];
    const { raw, gateway, fixture } = target;
    const decisionsBefore = await decisionCount();
    const answers: string[] = [];
    for (const [index, { tool, args }] of cases.entries()) {
      const reply = await raw.post(toolCallBody(200 + index, tool, args));
      expect(reply.status, tool).toBe(200);
      const [message] = reply.messages;
      // Either a tool result the model can read, or a JSON-RPC error: never silence.
      const answer = message?.result ?? message?.error;
      expect(answer, tool).toBeDefined();
      answers.push(`${tool}: ${JSON.stringify(answer).slice(0, 200)}`);
      count("deeply nested calls answered");
    }
    expect(gateway.process.exitCode).toBeNull();
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    expect(fixture.readCallLog()).toHaveLength(0);
    // The redactor stores a bounded copy; the call path records every call, however deep.
    const recorded = await pollUntil(
      () =>
        queryRows<{ tool: string; decision: string; arguments: unknown }>(
          fixture.database.url,
          "SELECT tool, decision, arguments FROM decisions ORDER BY seq OFFSET $1",
          [decisionsBefore],
        ),
      (rows) => rows.length >= cases.length,
      { timeoutMs: 10_000 },
    );
    count(`of ${cases.length} deeply nested calls recorded`, recorded.length);
    expect(
      recorded.map((row) => JSON.stringify(row.arguments)).every((text) => text.includes("[TOO DEEP]")),
    ).toBe(true);
    expect
      .soft(recorded.map((row) => row.tool).sort(), answers.join("\n"))
      .toEqual(cases.map((entry) => entry.tool).sort());
  });

  it("stores and shows unicode and control characters safely", async () => {
    const { agent, raw, interact, approval, heldCall, fixture, slack } = target;
    const echoed = await agent.callTool({ name: "echo", arguments: { payload: hostileText } });
    expect(echoed.isError).toBeFalsy();
    count("unicode calls handled");
    const denied = await agent.callTool({
      name: "delete_endpoint",
      arguments: { endpoint_name: hostileText },
    });
    expect(resultText(denied)).toContain(`: ${configDenyReason}. The tool was not called.`);
    count("unicode calls handled");
    // A newline or RTL override in the tool name does not slip past the deny glob.
    for (const name of ["delete_\nendpoint", "delete_\u202Eendpoint", "delete_🚫"]) {
      const result = await raw.post(toolCallBody(300, name, "{}"));
      expect(JSON.stringify(result.messages)).toContain("Denied by the gateway policy");
      count("unicode calls handled");
    }

    const reviewerReason = `use the scoped key ${hostileText} <!here>`;
    expect(
      await interact(
        viewSubmissionPayload({
          approvalId: approval.id,
          channelId: channel,
          reason: reviewerReason,
          user: alice,
        }),
      ),
    ).toBe(200);
    const rejected = resultText(await heldCall);
    expect(rejected).toContain(
      "Rejected by alice: use the scoped key nul:\uFFFD rtl:\u202Eevil\u202C emoji:🚫👩‍💻",
    );
    expect(rejected).not.toContain("\u0000");
    count("unicode deny reasons handled");

    const [stored] = await queryRows<{ reason: string; name: string }>(
      fixture.database.url,
      "SELECT decision_reason AS reason, arguments->>'name' AS name FROM approval_requests WHERE id = $1",
      [approval.id],
    );
    expect(stored?.reason).toContain("\u202Eevil\u202C emoji:🚫👩‍💻");
    expect(stored?.reason).not.toContain("\u0000");
    expect(stored?.name).toContain("\uFFFD");
    const [echoRow] = await queryRows<{ payload: string }>(
      fixture.database.url,
      "SELECT arguments->>'payload' AS payload FROM decisions WHERE tool = 'echo' AND decision = 'allow' AND outcome = 'ok'",
    );
    expect(echoRow?.payload).toBe(hostileText.replace("\u0000", "\uFFFD").replace("\uD800", "\uFFFD"));

    const update = await pollUntil(
      () => Promise.resolve(slack.calls("chat.update").filter((call) => call.body.ts === approval.ts)),
      (calls) => calls.some((call) => JSON.stringify(call.body.blocks).includes("scoped key")),
      { timeoutMs: 30_000 },
    );
    const shown = JSON.stringify(
      [...slack.calls("chat.postMessage"), ...update].map((call) => call.body.blocks),
    );
    expect(shown).not.toMatch(/<!(channel|here)>/);
    expect(shown).toContain("&lt;!here&gt;");
    expect(shown).not.toContain("\\u0000");
    count("unicode deny reasons handled");
  });

  it("refuses policy files with values of the wrong type, naming the key", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "mag-bad-policy-"));
    try {
      const runs = await mapConcurrently(badPolicyCases, 3, async (testCase, index) => {
        const file = path.join(dir, `bad-${index}.yaml`);
        writeFileSync(file, configWithPolicy(testCase.policy));
        return { testCase, file, run: await runCli(["start", "--config", file], 30_000) };
      });
      for (const { testCase, file, run } of runs) {
        expect(run.status, testCase.label).toBe(2);
        expect(run.stderr, testCase.label).toContain("CONFIG_INVALID");
        expect(run.stderr, testCase.label).toContain(`${path.basename(file)}: ${testCase.keyPath}: expected`);
        count("bad policy files refused by start");
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is still up after all of it", async () => {
    const { gateway } = target;
    expect(gateway.process.exitCode).toBeNull();
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
    reportFigures("hostile input", [
      ...Object.entries(counts).map(([category, n]) => `${n} ${category}`),
      "process up, /healthz 200",
    ]);
  });
});

/** A 4xx JSON-RPC error, or an HTTP 200/202 whose answer (if any) is a JSON-RPC error. */
function refusedCleanly(reply: RawReply): boolean {
  if (reply.status >= 500) return false;
  if (reply.status >= 400) return reply.messages.some((message) => "error" in message);
  return reply.messages.every((message) => "error" in message);
}
