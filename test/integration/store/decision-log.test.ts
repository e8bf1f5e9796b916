import { randomUUID } from "node:crypto";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, inject, it, vi } from "vitest";
import { createRedactor } from "../../../src/audit/redact.js";
import { ErrorCode } from "../../../src/errors.js";
import type { PrismaClient } from "../../../src/generated/prisma/client.js";
import {
  DecisionLog,
  type DecisionLogOptions,
  type DecisionRecord,
} from "../../../src/store/decision-log.js";
import { applyMigrations } from "../../../src/store/migrate.js";
import { createPrismaClient } from "../../../src/store/prisma-client.js";
import { createEmptyDatabase, withClient, type TestDatabase } from "../../support/services.js";

const migrationsDir = path.resolve(import.meta.dirname, "../../../prisma/migrations");
const redact = createRedactor({ keys: ["password", "api_key"] });

function decision(overrides: Partial<DecisionRecord> = {}): DecisionRecord {
  return {
    id: randomUUID(),
    createdAt: new Date("2026-11-26T10:00:00.123Z"),
    requestId: "req-1",
    agentId: "agent-a",
    sessionId: null,
    upstream: "files",
    tool: "read_file",
    arguments: { path: "/etc/hosts" },
    decision: "allow",
    ruleId: null,
    reason: null,
    outcome: "ok",
    latencyMs: 3,
    upstreamLatencyMs: 2,
    ...overrides,
  };
}

function numbered(count: number, from = 0): DecisionRecord[] {
  return Array.from({ length: count }, (_, index) => decision({ requestId: `req-${from + index}` }));
}

describe("DecisionLog", () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  let log: DecisionLog | undefined;
  let errors: unknown[];

  beforeEach(async () => {
    database = await createEmptyDatabase();
    await applyMigrations({ databaseUrl: database.url, migrationsDir });
    prisma = createPrismaClient(database.url);
    errors = [];
  });

  afterEach(async () => {
    await setConnectionsAllowed(true);
    await log?.close().catch(() => undefined);
    log = undefined;
    await prisma.$disconnect();
    await database.drop();
  });

  function openLog(options: Partial<DecisionLogOptions> = {}): DecisionLog {
    log = new DecisionLog({ prisma, redact, onError: (error) => errors.push(error), ...options });
    return log;
  }

  async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return withClient(database.url, async (client) => (await client.query(sql, params)).rows as T[]);
  }

  async function storedRequestIds(): Promise<string[]> {
    const rows = await query<{ request_id: string }>(`SELECT request_id FROM decisions ORDER BY request_id`);
    return rows.map((row) => row.request_id);
  }

  /** Simulates an outage of this test's database: no new connections, existing ones cut. */
  async function setConnectionsAllowed(allowed: boolean): Promise<void> {
    await withClient(inject("databaseUrl"), async (admin) => {
      await admin.query(`ALTER DATABASE ${database.name} WITH ALLOW_CONNECTIONS ${allowed}`);
      if (!allowed) {
        await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [
          database.name,
        ]);
      }
    });
  }

  it("writes records with their arguments redacted", async () => {
    const decisionLog = openLog();
    const denied = decision({
      requestId: "req-7",
      sessionId: "session-1",
      arguments: { user: "ann", password: "hunter2", header: "Bearer abc.def" },
      decision: "deny",
      ruleId: "no-writes",
      reason: "writes are not allowed",
      outcome: null,
      latencyMs: 1.6,
      upstreamLatencyMs: null,
    });

    decisionLog.record(denied);
    await decisionLog.flush();

    const rows = await query(`SELECT * FROM decisions`);
    expect(rows).toEqual([
      {
        id: denied.id,
        created_at: denied.createdAt,
        request_id: "req-7",
        agent_id: "agent-a",
        session_id: "session-1",
        upstream: "files",
        tool: "read_file",
        arguments: { user: "ann", password: "[REDACTED]", header: "Bearer [REDACTED]" },
        decision: "deny",
        rule_id: "no-writes",
        reason: "writes are not allowed",
        outcome: null,
        latency_ms: 2,
        upstream_latency_ms: null,
        approval_id: null,
        approval_status: null,
        reviewers: [],
        approval_wait_ms: null,
        shadow_decision: null,
        shadow_rule_id: null,
        // The first record of the chain: linked to genesis.
        seq: "1",
        prev_hash: "0".repeat(64),
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
    expect(decisionLog.backlog).toBe(0);
  });

  it("writes the approval part of a decision that waited for reviewers", async () => {
    const decisionLog = openLog();
    const approvalId = randomUUID();
    decisionLog.record(
      decision({
        decision: "require_approval",
        ruleId: "prod-writes",
        approvalId,
        approvalStatus: "approved",
        reviewers: ["Ann", "Bob"],
        approvalWaitMs: 41_250.4,
      }),
    );
    decisionLog.record(decision({ requestId: "no-approval" }));
    await decisionLog.flush();

    const rows = await query(
      `SELECT request_id, approval_id, approval_status, reviewers, approval_wait_ms
         FROM decisions ORDER BY request_id`,
    );
    expect(rows).toEqual([
      {
        request_id: "no-approval",
        approval_id: null,
        approval_status: null,
        reviewers: [],
        approval_wait_ms: null,
      },
      {
        request_id: "req-1",
        approval_id: approvalId,
        approval_status: "approved",
        reviewers: ["Ann", "Bob"],
        approval_wait_ms: 41_250,
      },
    ]);
  });

  it("redacts at record time, so later changes to the caller's arguments are not stored", async () => {
    const decisionLog = openLog();
    const args = { path: "/a", api_key: "k" };
    decisionLog.record(decision({ arguments: args }));
    args.path = "/changed";

    await decisionLog.flush();
    expect(await query(`SELECT arguments FROM decisions`)).toEqual([
      { arguments: { path: "/a", api_key: "[REDACTED]" } },
    ]);
  });

  it("records without waiting for the database and writes on its own shortly after", async () => {
    const decisionLog = openLog({ flushIntervalMs: 10 });
    decisionLog.record(decision({ requestId: "req-a" }));
    decisionLog.record(decision({ requestId: "req-b" }));
    expect(decisionLog.backlog).toBe(2);

    await vi.waitFor(async () => expect(await storedRequestIds()).toEqual(["req-a", "req-b"]), {
      timeout: 5_000,
    });
    expect(decisionLog.backlog).toBe(0);
  });

  it("writes in batches of batchSize, in recording order", async () => {
    const decisionLog = openLog({ batchSize: 50, flushIntervalMs: 60_000 });
    const records = numbered(120);
    for (const record of records) decisionLog.record(record);
    await decisionLog.flush();

    // Rows of one INSERT share a transaction id, so xmin tells the batches apart.
    const batches = await query<{ size: number }>(
      `SELECT count(*)::int AS size FROM decisions GROUP BY xmin::text::bigint ORDER BY xmin::text::bigint`,
    );
    const rows = await query<{ request_id: string; tx: string }>(
      `SELECT request_id, xmin::text AS tx FROM decisions`,
    );
    const txByRequest = new Map(rows.map((row) => [row.request_id, Number(row.tx)]));
    const txInRecordingOrder = records.map((record) => txByRequest.get(record.requestId) ?? Number.NaN);
    expect(batches.map((batch) => batch.size)).toEqual([50, 50, 20]);
    expect(txInRecordingOrder).toEqual([...txInRecordingOrder].sort((a, b) => a - b));
  });

  it("flush resolves only once everything recorded before it is in the database", async () => {
    const decisionLog = openLog({ batchSize: 7, flushIntervalMs: 60_000 });
    for (const record of numbered(40)) decisionLog.record(record);

    await decisionLog.flush();

    expect(await storedRequestIds()).toHaveLength(40);
    expect(decisionLog.backlog).toBe(0);
  });

  it("does not duplicate a record written twice (a retry after an unseen success)", async () => {
    const decisionLog = openLog();
    const record = decision();
    decisionLog.record(record);
    await decisionLog.flush();
    decisionLog.record(record);
    await decisionLog.flush();

    expect(await query(`SELECT id FROM decisions`)).toEqual([{ id: record.id }]);
    expect(errors).toEqual([]);
  });

  it("keeps records through a database outage and writes each exactly once afterwards", async () => {
    const decisionLog = openLog({ flushIntervalMs: 5, maxRetryDelayMs: 200 });
    decisionLog.record(decision({ requestId: "before" }));
    await decisionLog.flush();

    await setConnectionsAllowed(false);
    const during = numbered(30);
    for (const record of during) decisionLog.record(record);

    await vi.waitFor(() => expect(errors.length).toBeGreaterThanOrEqual(3), { timeout: 15_000 });
    await expect(decisionLog.flush()).rejects.toMatchObject({ code: ErrorCode.DatabaseUnavailable });
    expect(decisionLog.backlog).toBe(30);
    expect(decisionLog.accepting).toBe(true);

    await setConnectionsAllowed(true);
    await vi.waitFor(() => expect(decisionLog.backlog).toBe(0), { timeout: 15_000 });

    const stored = await query<{ id: string; request_id: string }>(`SELECT id, request_id FROM decisions`);
    expect(stored).toHaveLength(31);
    expect(new Set(stored.map((row) => row.id)).size).toBe(31);
    expect(stored.map((row) => row.request_id).sort()).toEqual(
      ["before", ...during.map((record) => record.requestId)].sort(),
    );
  });

  it("refuses records while the backlog is full, and accepts again once it drains", async () => {
    const decisionLog = openLog({ maxBacklog: 5, flushIntervalMs: 5, maxRetryDelayMs: 100 });
    await setConnectionsAllowed(false);
    for (const record of numbered(5)) decisionLog.record(record);

    expect(decisionLog.accepting).toBe(false);
    expect(() => decisionLog.record(decision({ requestId: "refused" }))).toThrow(
      expect.objectContaining({ code: ErrorCode.AuditBacklogFull }),
    );
    expect(decisionLog.backlog).toBe(5);
    await vi.waitFor(() => expect(errors.length).toBeGreaterThanOrEqual(2), { timeout: 15_000 });
    expect(decisionLog.accepting).toBe(false);

    await setConnectionsAllowed(true);
    await vi.waitFor(() => expect(decisionLog.accepting).toBe(true), { timeout: 15_000 });
    decisionLog.record(decision({ requestId: "later" }));
    await decisionLog.flush();

    expect(await storedRequestIds()).toEqual(["later", "req-0", "req-1", "req-2", "req-3", "req-4"]);
  });

  it("close writes what is queued and then refuses records", async () => {
    const decisionLog = openLog({ flushIntervalMs: 60_000 });
    for (const record of numbered(3)) decisionLog.record(record);

    await decisionLog.close();

    expect(await storedRequestIds()).toEqual(["req-0", "req-1", "req-2"]);
    expect(decisionLog.accepting).toBe(false);
    expect(() => decisionLog.record(decision())).toThrow(
      expect.objectContaining({ code: ErrorCode.Internal }),
    );
  });

  it("close reports the records it could not write", async () => {
    const decisionLog = openLog({ flushIntervalMs: 60_000 });
    await setConnectionsAllowed(false);
    decisionLog.record(decision());

    await expect(decisionLog.close()).rejects.toMatchObject({
      code: ErrorCode.DatabaseUnavailable,
      message: expect.stringContaining("1 decisions waiting"),
    });
    expect(decisionLog.backlog).toBe(1);
  });

  it("refuses a record the database would reject, before it can block the queue", () => {
    const decisionLog = openLog();
    expect(() => decisionLog.record(decision({ id: "not-a-uuid" }))).toThrow(
      expect.objectContaining({ code: ErrorCode.Internal }),
    );
    expect(() => decisionLog.record(decision({ createdAt: new Date(Number.NaN) }))).toThrow(
      expect.objectContaining({ code: ErrorCode.Internal }),
    );
    expect(() => decisionLog.record(decision({ approvalId: "approval-1" }))).toThrow(
      expect.objectContaining({ code: ErrorCode.Internal }),
    );
    expect(decisionLog.backlog).toBe(0);
  });

  it("stores text Postgres would otherwise reject", async () => {
    const decisionLog = openLog();
    decisionLog.record(
      decision({
        tool: "nul\u0000tool",
        arguments: { text: "lone \uD800 surrogate" },
        latencyMs: 1e12,
        reviewers: ["Ann\u0000"],
        approvalWaitMs: Number.POSITIVE_INFINITY,
      }),
    );
    await decisionLog.flush();

    expect(
      await query(`SELECT tool, arguments, latency_ms, reviewers, approval_wait_ms FROM decisions`),
    ).toEqual([
      {
        tool: "nul\uFFFDtool",
        arguments: { text: "lone \uFFFD surrogate" },
        latency_ms: 2_147_483_647,
        reviewers: ["Ann\uFFFD"],
        approval_wait_ms: 0,
      },
    ]);
  });
});
