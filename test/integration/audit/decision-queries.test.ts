import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApprovalStore } from "../../../src/approvals/approval-store.js";
import { DecisionQueries } from "../../../src/audit/decision-queries.js";
import type { DecisionFilter, DecisionView } from "../../../src/audit/decision-query-types.js";
import { ErrorCode, GatewayError } from "../../../src/errors.js";
import type { PrismaClient } from "../../../src/generated/prisma/client.js";
import { applyMigrations } from "../../../src/store/migrate.js";
import { createPrismaClient } from "../../../src/store/prisma-client.js";
import { createEmptyDatabase, type TestDatabase } from "../../support/services.js";
import { newRequest, voteOn } from "../approvals/approval-fixtures.js";
import { decisionRow, insertDecisions, newestFirst, type DecisionRowInput } from "./decision-fixtures.js";

const migrationsDir = path.resolve(import.meta.dirname, "../../../prisma/migrations");
const baseTime = Date.parse("2026-03-10T12:00:00.000Z");
const agents = ["ci-bot", "ops-bot", "data-bot"];
const upstreams = ["sagemaker", "github"];
const tools = ["list_endpoints", "delete_endpoint", "create_api_key", "read_file"];
const outcomes = ["allow", "deny", "rate_limited", "require_approval", "unavailable"];

/** 60 varied rows; every third shares its timestamp with its neighbours, so ids break ties. */
function historyRows(): DecisionRowInput[] {
  const rows = Array.from({ length: 57 }, (_, index) => {
    const decision = outcomes[index % outcomes.length] ?? "allow";
    return decisionRow({
      createdAt: new Date(baseTime - Math.floor(index / 3) * 60_000),
      agentId: agents[index % agents.length],
      upstream: upstreams[index % upstreams.length],
      tool: tools[index % tools.length],
      decision,
      ruleId: `rule-${index % 4}`,
      reason: decision === "deny" ? `blocked call number ${index}` : null,
      reviewers: decision === "require_approval" ? (index % 2 === 0 ? ["Ann", "Bob"] : ["Bob"]) : [],
    });
  });
  // Wildcard characters in the text filter must match only themselves.
  rows.push(decisionRow({ createdAt: new Date(baseTime - 5_000), ruleId: "prod_100%_rule", reason: null }));
  rows.push(decisionRow({ createdAt: new Date(baseTime - 6_000), ruleId: "prodX100Y_rule", reason: null }));
  rows.push(
    decisionRow({ createdAt: new Date(baseTime - 7_000), ruleId: null, reason: "Quota at 100% today" }),
  );
  return rows;
}

/** The filter semantics, stated independently of SQL. */
function matches(row: DecisionRowInput, filter: DecisionFilter): boolean {
  const created = row.createdAt.getTime();
  const reviewers = Array.isArray(row.reviewers) ? row.reviewers : [];
  const text = filter.text?.toLowerCase();
  return (
    (filter.agent === undefined || row.agentId === filter.agent) &&
    (filter.upstream === undefined || row.upstream === filter.upstream) &&
    (filter.tool === undefined || row.tool === filter.tool) &&
    (filter.decision === undefined || row.decision === filter.decision) &&
    (filter.reviewer === undefined || reviewers.includes(filter.reviewer)) &&
    (filter.from === undefined || created >= filter.from.getTime()) &&
    (filter.to === undefined || created < filter.to.getTime()) &&
    (text === undefined ||
      (row.ruleId ?? "").toLowerCase().includes(text) ||
      (row.reason ?? "").toLowerCase().includes(text))
  );
}

async function allPages(
  queries: DecisionQueries,
  filter: DecisionFilter,
  limit: number,
): Promise<DecisionView[][]> {
  const pages: DecisionView[][] = [];
  let cursor: string | undefined;
  do {
    const page = await queries.list(filter, { limit, cursor });
    pages.push([...page.items]);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && pages.length < 100);
  return pages;
}

async function expectBadRequest(promise: Promise<unknown>, message: RegExp): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(GatewayError);
  expect((error as GatewayError).code).toBe(ErrorCode.BadRequest);
  expect((error as GatewayError).message).toMatch(message);
}

describe("DecisionQueries", () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  let queries: DecisionQueries;

  beforeAll(async () => {
    database = await createEmptyDatabase();
    await applyMigrations({ databaseUrl: database.url, migrationsDir });
    prisma = createPrismaClient(database.url);
    queries = new DecisionQueries(prisma, new ApprovalStore(prisma));
  });

  afterAll(async () => {
    await prisma.$disconnect();
    await database.drop();
  });

  describe("list filters and pages", () => {
    const rows = historyRows();
    const expectedIds = (filter: DecisionFilter): string[] =>
      newestFirst(rows.filter((row) => matches(row, filter))).map((row) => row.id);

    beforeAll(async () => {
      await insertDecisions(prisma, rows);
    });

    const singleFilters: Array<[string, DecisionFilter]> = [
      ["agent", { agent: "ops-bot" }],
      ["upstream", { upstream: "github" }],
      ["tool", { tool: "create_api_key" }],
      ["decision", { decision: "deny" }],
      ["reviewer", { reviewer: "Ann" }],
      ["from", { from: new Date(baseTime - 4 * 60_000) }],
      ["to", { to: new Date(baseTime - 10 * 60_000) }],
      ["text on the rule id", { text: "RULE-3" }],
      ["text on the reason", { text: "number 1" }],
    ];

    it.each(singleFilters)("filters by %s alone", async (_name, filter) => {
      const expected = expectedIds(filter);
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(rows.length);
      const page = await queries.list(filter, { limit: 500 });
      expect(page.items.map((item) => item.id)).toEqual(expected);
      expect(page.nextCursor).toBeNull();
    });

    it("combines filters with AND", async () => {
      const filter: DecisionFilter = {
        decision: "require_approval",
        reviewer: "Bob",
        upstream: "sagemaker",
        from: new Date(baseTime - 12 * 60_000),
        to: new Date(baseTime),
      };
      const expected = expectedIds(filter);
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(expectedIds({ decision: "require_approval" }).length);
      const page = await queries.list(filter, { limit: 500 });
      expect(page.items.map((item) => item.id)).toEqual(expected);
      for (const item of page.items) {
        expect(item.reviewers).toContain("Bob");
        expect(item.createdAt.getTime()).toBeLessThan(baseTime);
      }
    });

    it("matches % and _ in the text literally and case-insensitively", async () => {
      const page = await queries.list({ text: "PROD_100%" }, { limit: 500 });
      expect(page.items.map((item) => item.ruleId)).toEqual(["prod_100%_rule"]);
      const percent = await queries.list({ text: "100%" }, { limit: 500 });
      expect(percent.items.map((item) => item.ruleId ?? item.reason)).toEqual([
        "prod_100%_rule",
        "Quota at 100% today",
      ]);
      expect((await queries.list({ agent: "nobody" })).items).toEqual([]);
    });

    it("returns every row exactly once, newest first, across pages", async () => {
      const pages = await allPages(queries, {}, 7);
      const ids = pages.flat().map((item) => item.id);
      expect(ids).toEqual(expectedIds({}));
      expect(new Set(ids).size).toBe(rows.length);
      expect(pages.slice(0, -1).every((page) => page.length === 7)).toBe(true);

      const filtered = await allPages(queries, { upstream: "sagemaker" }, 4);
      expect(filtered.flat().map((item) => item.id)).toEqual(expectedIds({ upstream: "sagemaker" }));
    });

    it("has no next page when the last page is exactly full", async () => {
      const total = rows.length;
      const page = await queries.list({}, { limit: total });
      expect(page.items).toHaveLength(total);
      expect(page.nextCursor).toBeNull();
    });

    it("maps the row into the view", async () => {
      const source = rows.find((row) => row.decision === "require_approval");
      const page = await queries.list({}, { limit: 500 });
      const view = page.items.find((item) => item.id === source?.id);
      expect(view).toEqual({
        id: source?.id,
        createdAt: source?.createdAt,
        requestId: source?.requestId,
        agentId: source?.agentId,
        sessionId: "session-1",
        upstream: source?.upstream,
        tool: source?.tool,
        arguments: { region: "eu-west-1" },
        decision: "require_approval",
        ruleId: source?.ruleId,
        reason: null,
        outcome: "ok",
        latencyMs: 4,
        upstreamLatencyMs: 3,
        approvalId: null,
        approvalStatus: null,
        reviewers: source?.reviewers,
        approvalWaitMs: null,
        shadowDecision: null,
        shadowRuleId: null,
        seq: null,
      });
    });

    it("refuses a tampered or foreign cursor with a clear error", async () => {
      const first = await queries.list({}, { limit: 5 });
      const cursor = first.nextCursor ?? "";
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      const payload = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Record<
        string,
        unknown
      >;
      const forged = Buffer.from(JSON.stringify({ ...payload, i: "not-a-uuid" })).toString("base64url");
      await expectBadRequest(queries.list({}, { cursor: forged }), /invalid cursor/);
      await expectBadRequest(queries.list({}, { cursor: `${cursor.slice(0, -3)}!!!` }), /invalid cursor/);
      await expectBadRequest(queries.list({}, { cursor: "bm90IGpzb24" }), /invalid cursor/);
    });

    it("refuses a limit outside 1..500", async () => {
      await expectBadRequest(queries.list({}, { limit: 0 }), /limit/);
      await expectBadRequest(queries.list({}, { limit: 501 }), /limit/);
      await expectBadRequest(queries.list({}, { limit: 2.5 }), /limit/);
      const defaultPage = await queries.list({});
      expect(rows.length).toBeGreaterThan(50);
      expect(defaultPage.items).toHaveLength(50);
      expect(defaultPage.nextCursor).not.toBeNull();
    });

    it("streams every matching row in order in small batches", async () => {
      const streamed: string[] = [];
      for await (const item of queries.stream({}, { batchSize: 4 })) streamed.push(item.id);
      expect(streamed).toEqual(expectedIds({}));
      const denied: string[] = [];
      for await (const item of queries.stream({ decision: "deny" }, { batchSize: 2 })) denied.push(item.id);
      expect(denied).toEqual(expectedIds({ decision: "deny" }));
    });
  });

  describe("get", () => {
    it("returns undefined for unknown and malformed ids", async () => {
      expect(await queries.get("00000000-0000-4000-8000-000000000000")).toBeUndefined();
      expect(await queries.get("not-an-id")).toBeUndefined();
    });

    it("gives a plain decision a single recorded event", async () => {
      const row = decisionRow({
        agentId: "detail-bot",
        decision: "deny",
        ruleId: "no-prod",
        reason: "prod is off limits",
      });
      await insertDecisions(prisma, [row]);
      const detail = await queries.get(row.id);
      expect(detail?.approval).toBeNull();
      expect(detail?.decision).toBe("deny");
      expect(detail?.timeline).toEqual([
        {
          at: row.createdAt,
          kind: "recorded",
          actor: "detail-bot",
          detail: "deny by rule no-prod: prod is off limits",
        },
      ]);
    });

    it("builds the timeline of an approved call from its approval request", async () => {
      const store = new ApprovalStore(prisma);
      const request = await store.create(
        newRequest({ agentId: "ops-bot", ruleId: "prod-deletes", quorum: 2 }),
      );
      await store.setSlackMessage(request.id, "C123", "1700000000.000100");
      await store.vote(
        voteOn(request.id, { reviewerId: "U-ann", reviewerName: "Ann", reason: "looks fine" }),
      );
      await store.vote(
        voteOn(request.id, { reviewerId: "U-bob", reviewerName: "Bob", channel: "cli", operator: true }),
      );
      const delivered = await store.claimDelivery(request.id);
      await store.recordExecutionOutcome(request.id, "ok");
      const row = decisionRow({
        createdAt: new Date(Date.now() + 1_000),
        agentId: "ops-bot",
        tool: "delete_endpoint",
        decision: "require_approval",
        ruleId: "prod-deletes",
        outcome: "ok",
        approvalId: request.id,
        approvalStatus: "approved",
        reviewers: ["Ann", "Bob"],
        approvalWaitMs: 900,
      });
      await insertDecisions(prisma, [row]);

      const detail = await queries.get(row.id);
      expect(detail?.approval?.id).toBe(request.id);
      expect(detail?.approval?.status).toBe("approved");
      expect(detail?.timeline.map((event) => [event.kind, event.actor])).toEqual([
        ["requested", "ops-bot"],
        ["posted_to_slack", null],
        ["vote", "Ann"],
        ["vote", "Bob"],
        ["decided", "Bob"],
        ["forwarded", null],
        ["upstream_outcome", null],
      ]);
      const timeline = detail?.timeline ?? [];
      expect(timeline.map((event) => event.detail)).toEqual([
        "approval requested by rule prod-deletes (quorum 2)",
        "posted to C123",
        "approve via slack: looks fine",
        "approve via cli",
        "approved",
        "forwarded to sagemaker",
        "upstream returned ok",
      ]);
      expect(timeline[0]?.at).toEqual(request.createdAt);
      expect(timeline[5]?.at).toEqual(delivered?.deliveredAt);
      expect(timeline[6]?.at).toEqual(row.createdAt);
      const times = timeline.map((event) => event.at.getTime());
      expect(times).toEqual([...times].sort((a, b) => a - b));
    });

    it("shows a denied call without forwarding or outcome", async () => {
      const store = new ApprovalStore(prisma);
      const request = await store.create(newRequest({ agentId: "ci-bot" }));
      await store.vote(voteOn(request.id, { vote: "deny", reason: "not during the freeze" }));
      const row = decisionRow({
        createdAt: new Date(Date.now() + 1_000),
        decision: "require_approval",
        outcome: null,
        approvalId: request.id,
        approvalStatus: "denied",
        reviewers: ["Ann"],
      });
      await insertDecisions(prisma, [row]);
      const detail = await queries.get(row.id);
      expect(detail?.timeline.map((event) => `${event.kind}:${event.detail}`)).toEqual([
        "requested:approval requested by rule prod-deletes (quorum 1)",
        "vote:deny via slack: not during the freeze",
        "decided:denied: not during the freeze",
      ]);
    });
  });

  describe("dailyCounts", () => {
    it("counts matching decisions per UTC day and outcome over the last days", async () => {
      const now = new Date();
      const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
      const day = 86_400_000;
      const at = (dayOffset: number, minutes: number): Date =>
        new Date(today - dayOffset * day + minutes * 60_000);
      const chart = (createdAt: Date, decision: string): DecisionRowInput =>
        decisionRow({ agentId: "chart-bot", createdAt, decision });
      await insertDecisions(prisma, [
        chart(at(0, 1), "allow"),
        chart(at(0, 2), "allow"),
        chart(at(0, 3), "deny"),
        chart(at(1, 0), "allow"),
        chart(at(2, 23 * 60 + 59), "deny"),
        chart(at(3, 0), "allow"),
        decisionRow({ agentId: "other-bot", createdAt: at(0, 5), decision: "allow" }),
      ]);
      const dayName = (dayOffset: number): string =>
        new Date(today - dayOffset * day).toISOString().slice(0, 10);

      expect(await queries.dailyCounts({ agent: "chart-bot" }, 3)).toEqual([
        { day: dayName(2), decision: "deny", count: 1 },
        { day: dayName(1), decision: "allow", count: 1 },
        { day: dayName(0), decision: "allow", count: 2 },
        { day: dayName(0), decision: "deny", count: 1 },
      ]);
      expect(await queries.dailyCounts({ agent: "chart-bot", decision: "allow" }, 1)).toEqual([
        { day: dayName(0), decision: "allow", count: 2 },
      ]);
      await expectBadRequest(queries.dailyCounts({}, 0), /days/);
    });
  });
});
