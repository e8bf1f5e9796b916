import { verifyDecisionChain, type ExpectedHead, type VerifyReport } from "../audit/verify.js";
import { ErrorCode, GatewayError } from "../errors.js";
import { createPrismaClient } from "../store/index.js";
import { resolveDatabaseUrl, type DatabaseUrlOptions } from "./database-url.js";

export interface AuditVerifyOptions extends DatabaseUrlOptions {
  readonly batchSize?: string;
  /** `<seq>:<hash>` from an earlier run, kept outside the database. */
  readonly expectHead?: string;
}

/**
 * `audit verify`: walks the decision chain and prints either `OK: …` (exit 0) or the first
 * record that does not fit it (exit 1). Failing to run at all exits 2, like other commands.
 */
export async function runAuditVerifyCommand(options: AuditVerifyOptions): Promise<void> {
  const databaseUrl = resolveDatabaseUrl(options, "verify");
  const batchSize = options.batchSize === undefined ? undefined : parseBatchSize(options.batchSize);
  const expectedHead = options.expectHead === undefined ? undefined : parseExpectedHead(options.expectHead);
  const prisma = createPrismaClient(databaseUrl, { maxConnections: 2 });
  try {
    const started = performance.now();
    const report = await verifyDecisionChain(prisma, { batchSize, expectedHead });
    printReport(report, Math.round(performance.now() - started));
  } finally {
    await prisma.$disconnect();
  }
}

function printReport(report: VerifyReport, elapsedMs: number): void {
  const origin = report.anchor
    ? `from anchor at seq ${report.anchor.seq}, ${report.anchor.prunedCount} pruned before ${report.anchor.prunedUntil.toISOString()}`
    : "from genesis";
  if (report.ok || !report.firstProblem) {
    console.log(`OK: ${report.checked} records verified (${origin}) in ${elapsedMs} ms`);
    if (report.head) {
      // Kept elsewhere, the head lets a later run notice records deleted from the end.
      console.log(`Head: ${report.head.seq}:${report.head.hash} (pass it to a later run as --expect-head)`);
    }
    return;
  }
  const problem = report.firstProblem;
  console.error(
    [
      `FAILED: ${problem.kind} record at seq ${problem.seq ?? "-"} (id ${problem.id ?? "-"})`,
      problem.detail,
      `${report.checked} records verified before it (${origin}) in ${elapsedMs} ms`,
    ].join("\n"),
  );
  process.exitCode = 1;
}

function parseBatchSize(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > 100_000) {
    throw new GatewayError(
      ErrorCode.BadRequest,
      `--batch-size must be a whole number from 1 to 100000, got "${text}"`,
    );
  }
  return value;
}

function parseExpectedHead(text: string): ExpectedHead {
  const match = /^(\d+):([0-9a-f]{64})$/.exec(text.trim());
  if (!match?.[1] || !match[2]) {
    throw new GatewayError(
      ErrorCode.BadRequest,
      `--expect-head must be <seq>:<64 hex digits>, got "${text}"`,
    );
  }
  return { seq: BigInt(match[1]), hash: match[2] };
}
