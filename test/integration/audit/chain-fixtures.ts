import { randomUUID } from "node:crypto";
import { createRedactor } from "../../../src/audit/redact.js";
import { verifyDecisionChain, type VerifyOptions, type VerifyReport } from "../../../src/audit/verify.js";
import type { PrismaClient } from "../../../src/generated/prisma/client.js";
import {
  DecisionLog,
  type DecisionLogOptions,
  type DecisionRecord,
} from "../../../src/store/decision-log.js";
import { createPrismaClient } from "../../../src/store/prisma-client.js";
import { createMigratedDatabase } from "../../support/gateway-harness.js";
import { withClient, type TestDatabase } from "../../support/services.js";

export const redact = createRedactor({ keys: ["password"] });

/** A decision as the proxy reports it; `index` varies the fields so records differ. */
export function chainRecord(index: number, overrides: Partial<DecisionRecord> = {}): DecisionRecord {
  const approval = index % 3 === 0;
  return {
    id: randomUUID(),
    createdAt: new Date(Date.UTC(2026, 10, 26, 10, 0, 0, index)),
    requestId: `req-${index}`,
    agentId: index % 2 === 0 ? "ci-bot" : "ops-bot",
    sessionId: index % 4 === 0 ? null : `session-${index % 4}`,
    upstream: "files",
    tool: approval ? "write_file" : "read_file",
    arguments: { path: `/data/${index}.txt`, options: { lines: [index, index + 1], password: "hunter2" } },
    decision: approval ? "require_approval" : "allow",
    ruleId: approval ? "writes-need-approval" : null,
    reason: approval ? `approved by Ann (#${index})` : null,
    outcome: "ok",
    latencyMs: index,
    upstreamLatencyMs: index % 5 === 0 ? null : 2,
    ...(approval && {
      approvalId: randomUUID(),
      approvalStatus: "approved" as const,
      reviewers: ["Ann"],
      approvalWaitMs: 1_500 + index,
    }),
    ...overrides,
  };
}

export interface ChainDatabase {
  readonly database: TestDatabase;
  readonly prisma: PrismaClient;
  openLog(options?: Partial<DecisionLogOptions>): DecisionLog;
  /** Writes `count` records through a DecisionLog and returns them in recording order. */
  writeRecords(
    count: number,
    batchSize?: number,
    overrides?: (position: number) => Partial<DecisionRecord>,
  ): Promise<DecisionRecord[]>;
  sql<T>(text: string, params?: unknown[]): Promise<T[]>;
  verify(options?: VerifyOptions): Promise<VerifyReport>;
  close(): Promise<void>;
}

/** A migrated database of the test's own, with a Prisma client and helpers onto it. */
export async function openChainDatabase(): Promise<ChainDatabase> {
  const database = await createMigratedDatabase();
  const prisma = createPrismaClient(database.url);
  const logs: DecisionLog[] = [];
  const openLog = (options: Partial<DecisionLogOptions> = {}): DecisionLog => {
    const log = new DecisionLog({ prisma, redact, ...options });
    logs.push(log);
    return log;
  };
  return {
    database,
    prisma,
    openLog,
    writeRecords: async (count, batchSize = 4, overrides = () => ({})) => {
      const log = openLog({ batchSize, flushIntervalMs: 60_000 });
      const records = Array.from({ length: count }, (_, index) =>
        chainRecord(index + 1, overrides(index + 1)),
      );
      for (const record of records) log.record(record);
      await log.flush();
      return records;
    },
    sql: (text, params = []) =>
      withClient(database.url, async (client) => (await client.query(text, params)).rows),
    // Small batches so that the walk crosses batch boundaries in every test.
    verify: (options = {}) => verifyDecisionChain(prisma, { batchSize: 3, ...options }),
    close: async () => {
      await Promise.all(logs.map((log) => log.close().catch(() => undefined)));
      await prisma.$disconnect();
      await database.drop();
    },
  };
}

/** Ids by seq, as stored. */
export async function idsBySeq(chain: ChainDatabase): Promise<Map<number, string>> {
  const rows = await chain.sql<{ seq: string; id: string }>(
    `SELECT seq, id FROM decisions WHERE seq IS NOT NULL ORDER BY seq`,
  );
  return new Map(rows.map((row) => [Number(row.seq), row.id]));
}
