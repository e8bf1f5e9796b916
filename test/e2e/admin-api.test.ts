import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "../../src/generated/prisma/client.js";
import { createPrismaClient } from "../../src/store/prisma-client.js";
import {
  agentTokens,
  connectAgent,
  createGatewayFixture,
  resultText,
  startInProcessGateway,
  type GatewayFixture,
  type InProcessGateway,
} from "../support/gateway-harness.js";
import { withClient } from "../support/services.js";
import {
  decisionRow,
  insertDecisions,
  type DecisionRowInput,
} from "../integration/audit/decision-fixtures.js";
import {
  callApi,
  parseCsv,
  type ApiErrorBody,
  type ApiRequest,
  type ApiResponse,
} from "./admin-api-client.js";

const adminToken = "ops-admin-token-0123456789abcdef";
const policy = {
  default: "allow",
  rules: [
    {
      id: "no-deletes",
      tool: "delete_endpoint",
      action: "deny",
      reason: "deleting endpoints is not allowed",
    },
    {
      id: "approve-credentials",
      tool: "create_api_key",
      action: "require_approval",
      approval: { timeout: "10m", require_reason_on_deny: true },
    },
  ],
};

interface View {
  readonly id: string;
  readonly createdAt: string;
  readonly agentId: string;
  readonly tool: string;
  readonly decision: string;
  readonly ruleId: string | null;
  readonly reviewers: string[];
  readonly approvalId: string | null;
}

interface Page {
  readonly items: View[];
  readonly nextCursor: string | null;
}

/** History rows with text a CSV writer must quote: commas, quotes, line breaks, empty strings. */
function historyRows(): DecisionRowInput[] {
  const start = Date.parse("2026-01-05T08:00:00.000Z");
  return Array.from({ length: 130 }, (_, index) =>
    decisionRow({
      // Pairs share a millisecond, so the id breaks the tie.
      createdAt: new Date(start + Math.floor(index / 2) * 37_000),
      agentId: "history-bot",
      tool: index % 3 === 0 ? "delete_endpoint" : "list_endpoints",
      decision: index % 3 === 0 ? "deny" : "allow",
      ruleId: index % 3 === 0 ? "no-deletes" : null,
      reason: [null, 'said "no", twice', "line one\nline two\r\nline three", "", "café ☕, ok"][index % 5],
      arguments: { endpoint_name: `ep-${index}`, tags: ["a,b", 'q"x'], nested: { depth: index } },
      reviewers: index % 7 === 0 ? ["Ann", "Bob, Jr."] : [],
      approvalWaitMs: index % 7 === 0 ? 1_234 : null,
    }),
  );
}

const numberColumns = new Set(["latencyMs", "upstreamLatencyMs", "approvalWaitMs"]);
const jsonColumns = new Set(["arguments", "reviewers"]);

/** A CSV record back as the JSON view the list endpoint returns. */
function csvRecordToView(header: readonly (string | null)[], record: readonly (string | null)[]): unknown {
  return Object.fromEntries(
    header.map((column, index) => {
      const name = String(column);
      const raw = record[index] ?? null;
      if (jsonColumns.has(name)) return [name, JSON.parse(String(raw))];
      if (raw === null) return [name, null];
      return [name, numberColumns.has(name) ? Number(raw) : raw];
    }),
  );
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("admin API", () => {
  let fixture: GatewayFixture;
  let gateway: InProcessGateway;
  let prisma: PrismaClient;
  let client: Client;
  let opsClient: Client;

  const api = (path: string, request: ApiRequest = {}): Promise<ApiResponse> =>
    callApi(gateway.url, path, { token: adminToken, ...request });

  async function listAll(query: string, limit = 40): Promise<View[]> {
    const items: View[] = [];
    let cursor: string | null = null;
    do {
      const after: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
      const response = await api(`/decisions?${query}&limit=${limit}${after}`);
      expect(response.status, response.text).toBe(200);
      const page = response.body as Page;
      expect(page.items.length).toBeLessThanOrEqual(limit);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return items;
  }

  function expectError(response: ApiResponse, status: number, code: string, message?: RegExp): void {
    expect(response.status, response.text).toBe(status);
    const { error } = response.body as ApiErrorBody;
    expect(error.code).toBe(code);
    if (message) expect(error.message).toMatch(message);
    expect(error.requestId).toBeTruthy();
    expect(error.requestId).toBe(response.headers.get("x-request-id"));
  }

  async function pendingApproval(name: string): Promise<{ id: string; status: string }> {
    return waitFor(async () => {
      const response = await api("/approvals?status=pending");
      const items = (
        response.body as { items: Array<{ id: string; status: string; arguments: { name?: string } }> }
      ).items;
      return items.find((item) => item.arguments.name === name);
    }, `a pending approval for ${name}`);
  }

  beforeAll(async () => {
    fixture = await createGatewayFixture({
      policy,
      extra: {
        admins: [{ id: "ops-admin", token: adminToken }],
        approvals: { hold: "30s", grant_ttl: "5m", progress_interval: "1s" },
      },
    });
    gateway = await startInProcessGateway(fixture);
    prisma = createPrismaClient(fixture.database.url);
    await insertDecisions(prisma, historyRows());
    client = await connectAgent(gateway.url, "sagemaker");
    opsClient = await connectAgent(gateway.url, "sagemaker", agentTokens["ops-bot"]);
    await client.callTool({ name: "list_endpoints", arguments: {} });
    await opsClient.callTool({ name: "list_endpoints", arguments: {} });
    await opsClient.callTool({ name: "delete_endpoint", arguments: { endpoint_name: "ep-alpha" } });
    await gateway.decisionLog.flush();
  });

  afterAll(async () => {
    await client?.close();
    await opsClient?.close();
    await gateway?.close();
    await prisma?.$disconnect();
    await fixture?.dispose();
  });

  describe("decisions", () => {
    it("lists the calls the gateway decided, newest first, filtered", async () => {
      const ops = await api("/decisions?agent=ops-bot");
      expect(ops.status).toBe(200);
      const items = (ops.body as Page).items;
      expect(items.map((item) => [item.agentId, item.tool, item.decision])).toEqual([
        ["ops-bot", "delete_endpoint", "deny"],
        ["ops-bot", "list_endpoints", "allow"],
      ]);
      const denied = await api("/decisions?agent=ops-bot&decision=deny&q=NO-DELETES");
      expect((denied.body as Page).items.map((item) => item.ruleId)).toEqual(["no-deletes"]);
      const window = await api(
        "/decisions?agent=history-bot&from=2026-01-05T08:00:00Z&to=2026-01-05T08:01:00Z",
      );
      expect((window.body as Page).items).toHaveLength(4);
      const reviewed = await listAll("reviewer=Bob%2C%20Jr.");
      expect(reviewed).toHaveLength(19);
      expect(reviewed.every((item) => item.reviewers.includes("Bob, Jr."))).toBe(true);
    });

    it("pages through every decision exactly once, newest first", async () => {
      const rowCount = await withClient(fixture.database.url, async (db) =>
        Number((await db.query("SELECT count(*) AS n FROM decisions")).rows[0].n),
      );
      const items = await listAll("", 25);
      expect(items).toHaveLength(rowCount);
      expect(new Set(items.map((item) => item.id)).size).toBe(rowCount);
      const sorted = [...items].sort(
        (a, b) =>
          Date.parse(b.createdAt) - Date.parse(a.createdAt) || (b.id < a.id ? -1 : b.id > a.id ? 1 : 0),
      );
      expect(items.map((item) => item.id)).toEqual(sorted.map((item) => item.id));
    });

    it("shows one decision with its timeline", async () => {
      const page = (await api("/decisions?agent=ops-bot&decision=deny")).body as Page;
      const id = page.items[0]?.id ?? "";
      const detail = await api(`/decisions/${id}`);
      expect(detail.status).toBe(200);
      expect(detail.body).toMatchObject({
        id,
        decision: "deny",
        reason: "deleting endpoints is not allowed",
        approval: null,
        timeline: [
          {
            kind: "recorded",
            actor: "ops-bot",
            detail: "deny by rule no-deletes: deleting endpoints is not allowed",
          },
        ],
      });
    });
  });

  describe("approvals", () => {
    it("approves a held call as the admin, and the agent's call completes", async () => {
      const held = client.callTool({ name: "create_api_key", arguments: { name: "api-approved" } });
      const pending = await pendingApproval("api-approved");
      expect(pending.status).toBe("pending");
      expect(fixture.readCallLog().filter((call) => call.tool === "create_api_key")).toHaveLength(0);

      const approved = await api(`/approvals/${pending.id}/approve`, {
        method: "POST",
        body: { reason: "ticket OPS-42" },
      });
      expect(approved.status, approved.text).toBe(200);
      expect(approved.body).toMatchObject({
        decided: true,
        request: {
          id: pending.id,
          status: "approved",
          decidedBy: "ops-admin",
          votes: [
            {
              reviewerId: "admin:ops-admin",
              reviewerName: "ops-admin",
              channel: "api",
              vote: "approve",
              reason: "ticket OPS-42",
            },
          ],
        },
      });
      const result = await held;
      expect(result.isError).toBeFalsy();
      expect(resultText(result)).toMatch(/sk-live-[0-9a-f]{32}/);
      expect(fixture.readCallLog().filter((call) => call.tool === "create_api_key")).toHaveLength(1);

      expectError(
        await api(`/approvals/${pending.id}/approve`, { method: "POST" }),
        409,
        "CONFLICT",
        /already approved/,
      );
      expectError(
        await api(`/approvals/${pending.id}/deny`, { method: "POST", body: { reason: "too late" } }),
        409,
        "CONFLICT",
      );

      await gateway.decisionLog.flush();
      const recorded = (await api("/decisions?tool=create_api_key&reviewer=ops-admin")).body as Page;
      const decision = recorded.items.find((item) => item.approvalId === pending.id);
      const detail = await api(`/decisions/${decision?.id ?? "missing"}`);
      expect(detail.status).toBe(200);
      const timeline = (detail.body as { timeline: Array<{ kind: string; actor: string | null }> }).timeline;
      expect(timeline.map((event) => [event.kind, event.actor])).toEqual([
        ["requested", "ci-bot"],
        ["vote", "ops-admin"],
        ["decided", "ops-admin"],
        ["forwarded", null],
        ["upstream_outcome", null],
      ]);
    });

    it("requires a reason to deny when the rule says so, then tells the agent who denied", async () => {
      const held = client.callTool({ name: "create_api_key", arguments: { name: "api-denied" } });
      const pending = await pendingApproval("api-denied");
      expectError(
        await api(`/approvals/${pending.id}/approve`, { token: agentTokens["ci-bot"], method: "POST" }),
        403,
        "FORBIDDEN",
      );
      expectError(
        await api(`/approvals/${pending.id}/deny`, { method: "POST" }),
        400,
        "BAD_REQUEST",
        /reason/,
      );
      expect((await pendingApproval("api-denied")).id).toBe(pending.id);

      const denied = await api(`/approvals/${pending.id}/deny`, {
        method: "POST",
        body: { reason: "scope too broad" },
      });
      expect(denied.status, denied.text).toBe(200);
      expect(denied.body).toMatchObject({
        decided: true,
        request: { status: "denied", decidedBy: "ops-admin" },
      });
      const result = await held;
      expect(result.isError).toBe(true);
      expect(resultText(result)).toContain("Rejected by ops-admin: scope too broad");
      expect(fixture.readCallLog().some((call) => call.args.name === "api-denied")).toBe(false);
    });

    it("lists approval requests by status", async () => {
      const all = await api("/approvals");
      const statuses = (all.body as { items: Array<{ status: string }> }).items.map((item) => item.status);
      expect(statuses).toEqual(expect.arrayContaining(["approved", "denied"]));
      const approved = await api("/approvals?status=approved&limit=5");
      const items = (approved.body as { items: Array<{ status: string }> }).items;
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((item) => item.status === "approved")).toBe(true);
    });
  });

  describe("errors", () => {
    const badQueries: Array<[string, RegExp]> = [
      ["limit=0", /`limit`/],
      ["limit=501", /`limit`/],
      ["limit=ten", /`limit`/],
      ["from=yesterday", /`from`/],
      ["to=2026-13-45", /`to`/],
      ["decision=maybe", /`decision`.*allow/],
      ["agnet=ci-bot", /unknown parameter `agnet`/],
      ["agent=a&agent=b", /`agent`: expected one value/],
      ["cursor=bm90LWEtY3Vyc29y", /invalid cursor/],
    ];

    it.each(badQueries)("refuses /decisions?%s with 400 naming the parameter", async (query, message) => {
      expectError(await api(`/decisions?${query}`), 400, "BAD_REQUEST", message);
    });

    it("refuses bad export and approval-list parameters", async () => {
      expectError(await api("/decisions/export?format=xml"), 400, "BAD_REQUEST", /`format`/);
      expectError(await api("/approvals?status=maybe"), 400, "BAD_REQUEST", /`status`/);
    });

    it("answers unknown ids and paths with 404", async () => {
      expectError(await api("/decisions/00000000-0000-4000-8000-000000000000"), 404, "NOT_FOUND");
      expectError(await api("/decisions/not-a-uuid"), 404, "NOT_FOUND");
      expectError(
        await api("/approvals/00000000-0000-4000-8000-000000000000/approve", { method: "POST" }),
        404,
        "NOT_FOUND",
      );
      expectError(await api("/nothing-here"), 404, "NOT_FOUND");
    });

    it("refuses malformed, oversized and misshapen vote bodies", async () => {
      const path = "/approvals/00000000-0000-4000-8000-000000000000/approve";
      expectError(await api(path, { method: "POST", rawBody: "{not json" }), 400, "BAD_REQUEST", /JSON/);
      const huge = JSON.stringify({ reason: "x".repeat(70 * 1024) });
      expectError(await api(path, { method: "POST", rawBody: huge }), 413, "PAYLOAD_TOO_LARGE");
      expectError(await api(path, { method: "POST", body: ["approve"] }), 400, "BAD_REQUEST", /JSON object/);
      expectError(await api(path, { method: "POST", body: { reason: 5 } }), 400, "BAD_REQUEST", /`reason`/);
      expectError(await api(path, { method: "POST", body: { reasn: "x" } }), 400, "BAD_REQUEST", /`reasn`/);
    });
  });

  describe("security", () => {
    it("answers 401 without a valid admin token and 403 to an agent's token", async () => {
      const none = await api("/decisions", { token: null });
      expectError(none, 401, "UNAUTHORIZED");
      expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expectError(await api("/decisions", { token: "not-a-real-token-0123456789" }), 401, "UNAUTHORIZED");
      expectError(
        await api("/decisions", { token: null, headers: { authorization: `Basic ${adminToken}` } }),
        401,
        "UNAUTHORIZED",
      );
      expectError(await api("/decisions", { token: agentTokens["ci-bot"] }), 403, "FORBIDDEN");
      expectError(
        await api("/decisions/export?format=csv", { token: agentTokens["ops-bot"] }),
        403,
        "FORBIDDEN",
      );
      expectError(await api("/approvals", { token: null }), 401, "UNAUTHORIZED");
    });

    it("echoes a sane x-request-id and replaces any other", async () => {
      const traced = await api("/decisions?limit=0", { headers: { "x-request-id": "trace-42.a:b_c" } });
      expect(traced.headers.get("x-request-id")).toBe("trace-42.a:b_c");
      expect((traced.body as ApiErrorBody).error.requestId).toBe("trace-42.a:b_c");
      const forged = await api("/decisions?limit=0", { headers: { "x-request-id": "evil id <script>" } });
      expect(forged.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      const ok = await api("/decisions?limit=1");
      expect(ok.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe("exports", () => {
    it("streams NDJSON that parses back to exactly the listed rows", async () => {
      const listed = await listAll("agent=history-bot");
      expect(listed).toHaveLength(130);
      const response = await api("/decisions/export?format=ndjson&agent=history-bot");
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
      expect(response.headers.get("transfer-encoding")).toBe("chunked");
      expect(response.text.endsWith("\n")).toBe(true);
      const parsed = response.text
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as unknown);
      expect(parsed).toEqual(listed);
    });

    it("streams RFC 4180 CSV that parses back to exactly the listed rows", async () => {
      for (const query of ["agent=history-bot", "decision=deny", ""]) {
        const listed = await listAll(query);
        const response = await api(`/decisions/export?format=csv&${query}`);
        expect(response.status).toBe(200);
        expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
        expect(response.headers.get("content-disposition")).toMatch(
          /^attachment; filename="decisions-.*\.csv"$/,
        );
        const [header, ...records] = parseCsv(response.text);
        expect(header).toEqual(Object.keys(listed[0] ?? {}));
        expect(records.map((record) => csvRecordToView(header ?? [], record))).toEqual(listed);
      }
    });

    it("exports only a header for no matches, and CSV is the default format", async () => {
      const response = await api("/decisions/export?agent=nobody");
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
      expect(parseCsv(response.text)).toHaveLength(1);
      const ndjson = await api("/decisions/export?agent=nobody&format=ndjson");
      expect(ndjson.text).toBe("");
    });

    it("survives a client that stops reading a large export midway", async () => {
      await withClient(fixture.database.url, (db) =>
        db.query(`
          INSERT INTO decisions (id, created_at, request_id, agent_id, upstream, tool, arguments, decision, latency_ms)
          SELECT gen_random_uuid(), timestamptz '2025-06-01' + n * interval '1 second', 'bulk-' || n,
                 'bulk-bot', 'sagemaker', 'list_endpoints', jsonb_build_object('n', n, 'pad', repeat('x', 200)),
                 'allow', 1
            FROM generate_series(1, 20000) AS n`),
      );
      const controller = new AbortController();
      const response = await fetch(`${gateway.url}/api/decisions/export?format=ndjson&agent=bulk-bot`, {
        headers: { authorization: `Bearer ${adminToken}` },
        signal: controller.signal,
      });
      const reader = response.body?.getReader();
      const first = await reader?.read();
      expect(first?.value?.byteLength).toBeGreaterThan(0);
      controller.abort();
      await reader?.cancel().catch(() => undefined);

      const full = await api("/decisions/export?format=ndjson&agent=bulk-bot");
      expect(full.status).toBe(200);
      expect(full.text.split("\n").filter((line) => line !== "")).toHaveLength(20_000);
    });
  });

  it("serves an OpenAPI 3.1 document describing every endpoint, without auth", async () => {
    const response = await callApi(gateway.url, "/openapi.json");
    expect(response.status).toBe(200);
    const document = response.body as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths).sort()).toEqual(
      [
        "/approvals",
        "/approvals/{id}/approve",
        "/approvals/{id}/deny",
        "/decisions",
        "/decisions/export",
        "/decisions/{id}",
        "/openapi.json",
      ].sort(),
    );
    expect(Object.keys(document.paths["/approvals/{id}/approve"] ?? {})).toEqual(["post"]);
    expect(JSON.stringify(document)).not.toContain("undefined");
  });
});
