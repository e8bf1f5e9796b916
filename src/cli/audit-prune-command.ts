import { pruneDecisions } from "../audit/retention.js";
import { parseDuration } from "../config/duration.js";
import { ErrorCode, GatewayError } from "../errors.js";
import { createPrismaClient } from "../store/index.js";
import { resolveDatabaseUrl, type DatabaseUrlOptions } from "./database-url.js";

export interface AuditPruneOptions extends DatabaseUrlOptions {
  /** A duration such as `90d`. */
  readonly olderThan: string;
}

/** `audit prune`: what the gateway's retention does hourly, on demand (e.g. from cron). */
export async function runAuditPruneCommand(options: AuditPruneOptions): Promise<void> {
  const ageMs = parseDuration(options.olderThan);
  if (ageMs === undefined || ageMs < 1) {
    throw new GatewayError(
      ErrorCode.BadRequest,
      `--older-than must be a duration such as 90d or 12h, got "${options.olderThan}"`,
    );
  }
  const olderThan = new Date(Date.now() - ageMs);
  const prisma = createPrismaClient(resolveDatabaseUrl(options, "prune"), { maxConnections: 2 });
  try {
    const result = await pruneDecisions(prisma, { olderThan });
    console.log(
      result.anchor
        ? `Pruned ${result.pruned} decision records created before ${olderThan.toISOString()}; verification now starts at seq ${result.anchor.seq}.`
        : `Pruned ${result.pruned} decision records created before ${olderThan.toISOString()}; the chain was not shortened.`,
    );
  } finally {
    await prisma.$disconnect();
  }
}
