import { randomUUID } from "node:crypto";
import { createRedactor, verifyDecisionChain, type VerifyReport } from "../src/audit/index.js";
import type { PrismaClient } from "../src/generated/prisma/client.js";
import { appendToDecisionChain } from "../src/store/chained-insert.js";
import { toDecisionRow, type DecisionRecord } from "../src/store/decision-row.js";
import { createPrismaClient } from "../src/store/index.js";
import { createBenchDatabase, startServices } from "./support/services.js";
import { countOption, formatTable, machineContext, writeResults } from "./support/stats.js";
import { Teardown } from "./support/teardown.js";

/**
 * `audit verify` speed: fills a fresh database with chained decision records through the
 * gateway's own chained writer (real hashes, realistic arguments), then times full
 * verification walks at a few batch sizes. Figures are records verified per second.
 */

const writeBatchSize = 1_000;
const verifyBatchSizes = [500, 1_000, 5_000];
const redact = createRedactor({ keys: ["password", "token"] });

async function main(): Promise<void> {
  const records = countOption("records", 100_000);
  const teardown = new Teardown();
  try {
    const services = startServices();
    teardown.defer("services", () => services.stop());
    const database = await createBenchDatabase(services.databaseUrl);
    teardown.defer("database", () => database.drop());
    const prisma = createPrismaClient(database.url);
    teardown.defer("prisma", () => prisma.$disconnect());

    const writeMs = await fill(prisma, records);
    const runs = [];
    for (const batchSize of verifyBatchSizes) runs.push(await timeVerify(prisma, batchSize, records));
    report(records, writeMs, runs);
  } finally {
    await teardown.run();
  }
}

/** Writes `count` records in batches through the chained writer; returns the time taken. */
async function fill(prisma: PrismaClient, count: number): Promise<number> {
  const started = performance.now();
  for (let written = 0; written < count; written += writeBatchSize) {
    const size = Math.min(writeBatchSize, count - written);
    const rows = Array.from({ length: size }, (_, index) =>
      toDecisionRow(sampleRecord(written + index), redact),
    );
    await appendToDecisionChain(prisma, rows);
  }
  return performance.now() - started;
}

function sampleRecord(index: number): DecisionRecord {
  const approval = index % 10 === 0;
  return {
    id: randomUUID(),
    createdAt: new Date(Date.UTC(2026, 0, 1) + index * 1_000),
    requestId: `req-${index}`,
    agentId: ["ci-bot", "ops-bot", "data-bot"][index % 3] ?? "ci-bot",
    sessionId: `session-${index % 50}`,
    upstream: index % 2 === 0 ? "sagemaker" : "github",
    tool: approval ? "create_api_key" : "list_endpoints",
    arguments: {
      region: "eu-west-1",
      filter: { status: ["InService", "Creating"], tags: { team: "ml", cost_center: index % 7 } },
      limit: 50,
      token: "ghp_0123456789abcdef0123456789abcdef0123",
    },
    decision: approval ? "require_approval" : "allow",
    ruleId: approval ? "keys-need-approval" : "read-only",
    reason: approval ? "approved by Ann: rotating the CI key" : null,
    outcome: "ok",
    latencyMs: 3 + (index % 20),
    upstreamLatencyMs: 2,
    ...(approval && {
      approvalId: randomUUID(),
      approvalStatus: "approved" as const,
      reviewers: ["Ann"],
      approvalWaitMs: 40_000,
    }),
  };
}

interface VerifyRun {
  readonly batchSize: number;
  readonly ms: number;
  readonly recordsPerSecond: number;
}

async function timeVerify(prisma: PrismaClient, batchSize: number, expected: number): Promise<VerifyRun> {
  const started = performance.now();
  const result: VerifyReport = await verifyDecisionChain(prisma, { batchSize });
  const ms = performance.now() - started;
  if (!result.ok || result.checked !== expected) {
    throw new Error(`verification failed: ${JSON.stringify(result.firstProblem)} after ${result.checked}`);
  }
  return { batchSize, ms, recordsPerSecond: Math.round((expected / ms) * 1_000) };
}

function report(records: number, writeMs: number, runs: readonly VerifyRun[]): void {
  console.log(`${records} chained records written in ${(writeMs / 1_000).toFixed(1)} s`);
  console.log(
    formatTable([
      ["batch size", "verify ms", "records/s"],
      ...runs.map((run) => [String(run.batchSize), run.ms.toFixed(0), String(run.recordsPerSecond)]),
    ]),
  );
  const file = writeResults("audit-verify.json", {
    records,
    writeMs: Math.round(writeMs),
    writeRecordsPerSecond: Math.round((records / writeMs) * 1_000),
    verify: runs.map((run) => ({ ...run, ms: Math.round(run.ms) })),
    machine: machineContext(),
  });
  console.log(`results: ${file}`);
}

await main();
