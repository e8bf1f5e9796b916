import { randomUUID } from "node:crypto";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRedactor } from "../../../src/audit/redact.js";
import { ErrorCode } from "../../../src/errors.js";
import { PrismaClient, type PrismaClient as PrismaClientType } from "../../../src/generated/prisma/client.js";
import { appendToDecisionChain } from "../../../src/store/chained-insert.js";
import { DecisionLog, type DecisionRecord } from "../../../src/store/decision-log.js";
import { applyMigrations } from "../../../src/store/migrate.js";
import { createPrismaClient } from "../../../src/store/prisma-client.js";
import { createEmptyDatabase, withClient, type TestDatabase } from "../../support/services.js";

const migrationsDir = path.resolve(import.meta.dirname, "../../../prisma/migrations");
const redact = createRedactor({ keys: ["password"] });

function decision(requestId: string): DecisionRecord {
  return {
    id: randomUUID(),
    createdAt: new Date(),
    requestId,
    agentId: "agent-a",
    sessionId: "session-1",
    upstream: "files",
    tool: "read_file",
    arguments: { path: "/etc/hosts", password: "hunter2" },
    decision: "allow",
    ruleId: "reads",
    reason: null,
    outcome: "ok",
    latencyMs: 2,
    upstreamLatencyMs: 1,
  };
}

describe("decision log writes under steady traffic", () => {
  let database: TestDatabase;
  let prisma: PrismaClientType;

  beforeEach(async () => {
    database = await createEmptyDatabase();
    await applyMigrations({ databaseUrl: database.url, migrationsDir });
    prisma = createPrismaClient(database.url);
  });

  afterEach(async () => {
    await prisma.$disconnect();
    await database.drop();
  });

  const sql = <T>(text: string): Promise<T[]> =>
    withClient(database.url, async (client) => (await client.query(text)).rows as T[]);

  it("gathers the records of one flush interval into one transaction instead of one per record", async () => {
    const flushIntervalMs = 100;
    const log = new DecisionLog({ prisma, redact, flushIntervalMs });
    const started = Date.now();
    let recorded = 0;
    // One record every 5 ms for a second: far faster than the flush interval.
    while (Date.now() - started < 1_000) {
      log.record(decision(`req-${recorded}`));
      recorded += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await log.close();

    const batches = await sql<{ size: number }>(
      "SELECT count(*)::int AS size FROM decisions GROUP BY xmin::text::bigint",
    );
    expect(batches.reduce((sum, batch) => sum + batch.size, 0)).toBe(recorded);
    const elapsed = Date.now() - started;
    // At most one write per interval (plus the closing flush), however fast each write is.
    expect(batches.length).toBeLessThanOrEqual(Math.ceil(elapsed / flushIntervalMs) + 2);
    const stored = await sql<{ arguments: unknown }>("SELECT arguments FROM decisions LIMIT 1");
    expect(stored[0]?.arguments).toEqual({ path: "/etc/hosts", password: "[REDACTED]" });
  });

  it("leaves no connection open once the Prisma client disconnects", async () => {
    const log = new DecisionLog({ prisma, redact });
    log.record(decision("req-1"));
    await log.close();
    const open = async (): Promise<number> => {
      const rows = await sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = '${database.name}' AND pid <> pg_backend_pid()`,
      );
      return rows[0]?.n ?? -1;
    };
    expect(await open()).toBeGreaterThan(0);
    await prisma.$disconnect();
    await expect.poll(open, { timeout: 5_000 }).toBe(0);
    // A client used again after disconnecting reconnects, as Prisma clients do.
    await appendToDecisionChain(prisma, []);
  });

  it("refuses a Prisma client it did not create, rather than writing through another path", async () => {
    const foreign = new PrismaClient({ adapter: new PrismaPg({ connectionString: database.url }) });
    try {
      await expect(appendToDecisionChain(foreign, [])).rejects.toMatchObject({ code: ErrorCode.Internal });
    } finally {
      await foreign.$disconnect();
    }
  });
});
