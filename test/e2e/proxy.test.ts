import { CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  agentTokens,
  connectAgent,
  createGatewayFixture,
  resultText,
  startExampleUpstreamHttp,
  startInProcessGateway,
  type ExampleUpstreamHttp,
  type GatewayFixture,
  type InProcessGateway,
} from "../support/gateway-harness.js";
import { initializeRequest, mcpAccept, openRawSession, toolCallBody } from "../support/raw-mcp.js";
import { withClient } from "../support/services.js";

const policy = {
  default: "allow",
  rules: [
    {
      id: "no-deletes",
      tool: "delete_*",
      action: "deny",
      reason: "Deletion is disabled for agents",
      hide: true,
    },
    {
      id: "stacks-delete",
      tool: "manage_hyperpod_stacks",
      when: { "args.operation": { in: ["delete", "batch_delete"] } },
      action: "deny",
      reason: "Stack deletion needs a human",
    },
    {
      id: "billing-readonly",
      upstream: "billing",
      tool: "create_*",
      action: "deny",
      reason: "Billing is read-only",
    },
    {
      id: "approve-admin-keys",
      tool: "create_api_key",
      when: { "args.scope": "admin" },
      action: "require_approval",
    },
    {
      id: "throttle-describe",
      tool: "describe_endpoint",
      action: "rate_limit",
      rate_limit: { max: 3, window: "60s", per: "session" },
    },
  ],
};

describe("the gateway as an MCP proxy", () => {
  let httpUpstream: ExampleUpstreamHttp;
  let fixture: GatewayFixture;
  let gateway: InProcessGateway;
  let stdioClient: Client;
  let httpClient: Client;

  beforeAll(async () => {
    httpUpstream = await startExampleUpstreamHttp();
    fixture = await createGatewayFixture({ policy, upstreams: { billing: { url: httpUpstream.url } } });
    gateway = await startInProcessGateway(fixture);
    stdioClient = await connectAgent(gateway.url, "sagemaker");
    httpClient = await connectAgent(gateway.url, "billing");
  });

  afterAll(async () => {
    await stdioClient?.close();
    await httpClient?.close();
    await gateway?.close();
    await httpUpstream?.stop();
    await fixture?.dispose();
  });

  it("relays tools/list from a stdio upstream, without the hidden delete_* tools", async () => {
    const { tools } = await stdioClient.listTools();
    const names = tools.map((tool) => tool.name).sort();
    expect(names).toContain("list_endpoints");
    expect(names).toContain("manage_hyperpod_stacks");
    expect(names).not.toContain("delete_endpoint");
  });

  it("forwards an allowed call over stdio and returns the upstream's real result", async () => {
    const result = await stdioClient.callTool({ name: "list_endpoints", arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(resultText(result)).toContain("ep-alpha");
    expect(fixture.readCallLog().some((call) => call.tool === "list_endpoints")).toBe(true);
  });

  it("forwards an allowed call over Streamable HTTP", async () => {
    const { tools } = await httpClient.listTools();
    expect(tools.map((tool) => tool.name)).toContain("describe_endpoint");
    const result = await httpClient.callTool({ name: "list_endpoints", arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(resultText(result)).toContain("ep-beta");
  });

  it("denies a hidden tool with the rule's reason, and the upstream never sees it", async () => {
    const before = fixture.readCallLog().length;
    const result = await stdioClient.callTool({
      name: "delete_endpoint",
      arguments: { endpoint_name: "ep-alpha" },
    });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain('rule "no-deletes"');
    expect(resultText(result)).toContain("Deletion is disabled for agents");
    expect(resultText(result)).toContain("not called");
    expect(fixture.readCallLog().length).toBe(before);
  });

  it("denies by argument condition and allows the same tool with other arguments", async () => {
    const denied = await stdioClient.callTool({
      name: "manage_hyperpod_stacks",
      arguments: { operation: "batch_delete", stack_names: ["a", "b"] },
    });
    expect(denied.isError).toBe(true);
    expect(resultText(denied)).toContain("Stack deletion needs a human");
    const allowed = await stdioClient.callTool({
      name: "manage_hyperpod_stacks",
      arguments: { operation: "describe" },
    });
    expect(allowed.isError).toBeFalsy();
    const reached = fixture.readCallLog().filter((call) => call.tool === "manage_hyperpod_stacks");
    expect(reached.map((call) => call.args.operation)).toEqual(["describe"]);
  });

  it("applies upstream-scoped rules only to their upstream", async () => {
    const denied = await httpClient.callTool({ name: "create_api_key", arguments: { name: "x" } });
    expect(resultText(denied)).toContain("Billing is read-only");
  });

  it("rate-limits per session and tells the model when to retry", async () => {
    const client = await connectAgent(gateway.url, "sagemaker", agentTokens["ops-bot"]);
    try {
      const texts: string[] = [];
      for (let i = 0; i < 4; i += 1) {
        texts.push(
          resultText(
            await client.callTool({ name: "describe_endpoint", arguments: { endpoint_name: "ep-alpha" } }),
          ),
        );
      }
      expect(texts.slice(0, 3).every((text) => text.includes("ep-alpha"))).toBe(true);
      expect(texts[3]).toContain('Rate limited by the gateway policy (rule "throttle-describe")');
      expect(texts[3]).toMatch(/Retry after \d+ s/);
      // A fresh session has its own budget.
      const other = await connectAgent(gateway.url, "sagemaker", agentTokens["ops-bot"]);
      const fresh = await other.callTool({
        name: "describe_endpoint",
        arguments: { endpoint_name: "ep-alpha" },
      });
      expect(fresh.isError).toBeFalsy();
      await other.close();
    } finally {
      await client.close();
    }
  });

  it("respawns a stdio upstream that died, and calls work again", async () => {
    await stdioClient.callTool({ name: "list_endpoints", arguments: {} });
    const pid = fixture.readCallLog().at(-1)?.pid;
    expect(pid).toBeGreaterThan(0);
    process.kill(Number(pid), "SIGKILL");
    let result = await stdioClient.callTool({ name: "list_endpoints", arguments: {} });
    for (let attempt = 0; attempt < 50 && result.isError; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      result = await stdioClient.callTool({ name: "list_endpoints", arguments: {} });
    }
    expect(result.isError).toBeFalsy();
    expect(fixture.readCallLog().at(-1)?.pid).not.toBe(pid);
  });

  it("relays resources and prompts", async () => {
    const { resources } = await stdioClient.listResources();
    expect(resources.map((resource) => resource.uri)).toContain("sagemaker://endpoints");
    const read = await stdioClient.readResource({ uri: "sagemaker://endpoints" });
    expect(JSON.stringify(read.contents)).toContain("ep-alpha");
    const { prompts } = await stdioClient.listPrompts();
    expect(prompts.map((prompt) => prompt.name)).toContain("troubleshoot_endpoint");
    const prompt = await stdioClient.getPrompt({
      name: "troubleshoot_endpoint",
      arguments: { endpoint_name: "ep-beta" },
    });
    expect(JSON.stringify(prompt.messages)).toContain("ep-beta");
  });

  it("relays upstream progress notifications to a client that asked for them", async () => {
    const progress: number[] = [];
    const result = await stdioClient.callTool(
      { name: "run_diagnostics", arguments: { duration_ms: 200, steps: 4 } },
      CallToolResultSchema,
      { onprogress: (update) => progress.push(update.progress) },
    );
    expect(resultText(result)).toContain("diagnostics ok");
    // The SDK client may drop the last update when it arrives with the result (typescript-sdk#2580).
    expect(progress.length).toBeGreaterThanOrEqual(3);
  });

  it("records one decision row per call, with secrets redacted and no results", async () => {
    const secret = "hunter2-very-secret-password";
    const result = await stdioClient.callTool({
      name: "manage_hyperpod_stacks",
      arguments: {
        operation: "deploy",
        stack_name: "s1",
        parameters: { db_password: secret, region: "eu-west-1" },
      },
    });
    expect(result.isError).toBeFalsy();
    const created = await httpClient.callTool({ name: "echo", arguments: { payload: { api_key: secret } } });
    expect(created.isError).toBeFalsy();
    await gateway.decisionLog.flush();
    const rows = await withClient(
      fixture.database.url,
      async (db) => (await db.query("SELECT * FROM decisions ORDER BY created_at")).rows,
    );
    const deploy = rows.find(
      (row) => row.tool === "manage_hyperpod_stacks" && row.arguments.operation === "deploy",
    );
    expect(deploy).toMatchObject({
      agent_id: "ci-bot",
      upstream: "sagemaker",
      decision: "allow",
      outcome: "ok",
    });
    expect(deploy.arguments.parameters).toEqual({ db_password: "[REDACTED]", region: "eu-west-1" });
    expect(deploy.session_id).toBeTruthy();
    const denied = rows.find((row) => row.tool === "delete_endpoint");
    expect(denied).toMatchObject({
      decision: "deny",
      rule_id: "no-deletes",
      reason: "Deletion is disabled for agents",
    });
    expect(denied.outcome).toBeNull();
    expect(rows.some((row) => row.decision === "rate_limited" && row.rule_id === "throttle-describe")).toBe(
      true,
    );
    expect(JSON.stringify(rows)).not.toContain(secret);
    expect(gateway.logs()).not.toContain(secret);
  });

  it("refuses arguments nested deeper than 128 levels before any rule, and records each refusal", async () => {
    const raw = await openRawSession(`${gateway.url}/mcp/sagemaker`, agentTokens["ci-bot"]);
    const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
    const callsBefore = fixture.readCallLog().length;
    // The arguments object is level 1: 127 arrays inside it are allowed, 128 are one too many.
    const deepest = await raw.post(toolCallBody(1, "echo", `{"payload":${nested(127)}}`));
    expect(deepest.messages[0]).toMatchObject({ result: { content: [{ text: expect.any(String) }] } });
    expect(deepest.messages[0]).not.toMatchObject({ result: { isError: true } });

    const refusals = [
      { tool: "echo", args: `{"payload":${nested(128)}}` },
      // Without the limit, require_approval would try to hash this and fail with a JSON-RPC error.
      { tool: "create_api_key", args: `{"scope":"admin","name":${nested(10_000)}}` },
    ];
    for (const [index, { tool, args }] of refusals.entries()) {
      const reply = await raw.post(toolCallBody(2 + index, tool, args));
      expect(reply.status, tool).toBe(200);
      expect(reply.messages[0], tool).toMatchObject({
        result: {
          isError: true,
          content: [
            {
              type: "text",
              text: expect.stringMatching(
                /^Refused by the gateway: the arguments are nested more than 128 levels deep.*The tool was not called/,
              ),
            },
          ],
          _meta: {
            "mcp-approval-gateway/decision": { decision: "deny", rule: "gateway:arguments-too-deep" },
          },
        },
      });
    }
    expect(fixture.readCallLog().length).toBe(callsBefore + 1);

    await gateway.decisionLog.flush();
    const rows = await withClient(
      fixture.database.url,
      async (db) =>
        (
          await db.query(
            "SELECT tool, decision, reason, arguments FROM decisions WHERE rule_id = 'gateway:arguments-too-deep' ORDER BY seq",
          )
        ).rows,
    );
    expect(rows.map((row) => [row.tool, row.decision, row.reason])).toEqual(
      refusals.map(({ tool }) => [tool, "deny", "the arguments are nested more than 128 levels deep"]),
    );
    expect(rows.every((row) => JSON.stringify(row.arguments).includes("[TOO DEEP]"))).toBe(true);
    const approvals = await withClient(fixture.database.url, async (db) =>
      db.query("SELECT count(*)::int AS n FROM approval_requests"),
    );
    expect(approvals.rows[0]).toEqual({ n: 0 });
  });

  it("never stores or logs the credential a tool returns", async () => {
    const created = await stdioClient.callTool({ name: "create_api_key", arguments: { name: "deploy-key" } });
    const issued = /sk-live-[0-9a-f]+/.exec(resultText(created))?.[0];
    expect(issued).toBeDefined();
    await gateway.decisionLog.flush();
    const dump = await withClient(fixture.database.url, async (db) =>
      JSON.stringify((await db.query("SELECT * FROM decisions")).rows),
    );
    expect(dump).toContain("deploy-key");
    expect(dump).not.toContain(issued);
    expect(gateway.logs()).not.toContain(String(issued));
  });
});

describe("HTTP edge of the gateway", () => {
  let fixture: GatewayFixture;
  let gateway: InProcessGateway;
  const initialize = initializeRequest;
  const post = (body: string, headers: Record<string, string> = {}, upstream = "sagemaker") =>
    fetch(`${gateway.url}/mcp/${upstream}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: mcpAccept,
        authorization: `Bearer ${agentTokens["ci-bot"]}`,
        ...headers,
      },
      body,
    });

  beforeAll(async () => {
    fixture = await createGatewayFixture({ policy: { default: "allow" } });
    gateway = await startInProcessGateway(fixture);
  });

  afterAll(async () => {
    await gateway?.close();
    await fixture?.dispose();
  });

  it("answers 401 without a token and with an unknown one", async () => {
    const missing = await post(JSON.stringify(initialize), { authorization: "" });
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toContain("Bearer");
    const wrong = await post(JSON.stringify(initialize), { authorization: "Bearer not-a-real-token-at-all" });
    expect(wrong.status).toBe(401);
    await expect(connectAgent(gateway.url, "sagemaker", "not-a-real-token-at-all")).rejects.toThrow();
  });

  it("answers 404 for an unknown upstream and an unknown session", async () => {
    expect((await post(JSON.stringify(initialize), {}, "nope")).status).toBe(404);
    const list = JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list", params: {} });
    const unknown = await post(list, { "mcp-session-id": "00000000-0000-0000-0000-000000000000" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: -32001 } });
  });

  it("does not let another agent use a session it did not open", async () => {
    const opened = await post(JSON.stringify(initialize));
    const sessionId = opened.headers.get("mcp-session-id");
    expect(sessionId).toBeTruthy();
    const list = JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list", params: {} });
    const stolen = await post(list, {
      "mcp-session-id": String(sessionId),
      authorization: `Bearer ${agentTokens["ops-bot"]}`,
    });
    expect(stolen.status).toBe(404);
  });

  it("rejects a request without a session that is not initialize", async () => {
    const response = await post(JSON.stringify({ jsonrpc: "2.0", id: 3, method: "tools/list", params: {} }));
    expect(response.status).toBe(400);
  });

  it("answers malformed JSON with a JSON-RPC parse error", async () => {
    const response = await post("{ this is not json");
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ jsonrpc: "2.0", error: { code: -32700 } });
  });

  it("answers an oversized body with 413 and keeps serving", async () => {
    const huge = JSON.stringify({ ...initialize, padding: "x".repeat(5 * 1024 * 1024) });
    const response = await post(huge);
    expect(response.status).toBe(413);
    const health = await fetch(`${gateway.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it("serves /mcp/<upstream> with a trailing slash, a query or another case, and nothing below it", async () => {
    for (const path of ["sagemaker/", "sagemaker?trace=1", "sagemaker/?trace=1"]) {
      const response = await post(JSON.stringify(initialize), {}, path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("mcp-session-id"), path).toBeTruthy();
      expect(response.headers.get("x-request-id"), path).toBeTruthy();
    }
    const upperCase = await fetch(`${gateway.url}/MCP/sagemaker`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: mcpAccept },
      body: JSON.stringify(initialize),
    });
    expect(upperCase.status).toBe(401);
    const below = await post(JSON.stringify(initialize), {}, "sagemaker/extra");
    expect(below.status).toBe(404);
    expect(await below.json()).toMatchObject({ error: { code: -32601, message: "Not found" } });
    const badEscape = await post(JSON.stringify(initialize), {}, "%E0%A4%A");
    expect(badEscape.status).toBe(404);
    expect(await badEscape.json()).toMatchObject({ error: { message: 'Unknown upstream "%E0%A4%A"' } });
  });

  it("answers a body in an encoding it cannot read with a JSON-RPC error, not a 5xx", async () => {
    const response = await post(JSON.stringify(initialize), { "content-encoding": "compress-me-not" });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ jsonrpc: "2.0", error: { code: -32600 } });
  });

  it("reports readiness of Redis and Postgres", async () => {
    const response = await fetch(`${gateway.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ready", checks: { redis: "ok", postgres: "ok" } });
  });
});
