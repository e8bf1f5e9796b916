import { createApprovalService, type ApprovalService } from "../../src/approvals/index.js";
import { createRedactor } from "../../src/audit/index.js";
import { DEFAULT_REDACT_KEYS } from "../../src/config/index.js";
import { createLogger } from "../../src/logging.js";
import { createRedisConnection } from "../../src/redis/index.js";
import { createPrismaClient } from "../../src/store/index.js";
import type { Teardown } from "./teardown.js";

export interface OperatorOptions {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly keyPrefix: string;
  /** Connections of the operator's own pool: one per vote in flight. */
  readonly connections: number;
}

/**
 * An approval service acting as an operator, as `approvals approve` builds it: no worker and
 * no waiting, only votes, each recorded in its transaction and announced to the gateways.
 */
export async function startOperator(teardown: Teardown, options: OperatorOptions): Promise<ApprovalService> {
  const prisma = createPrismaClient(options.databaseUrl, { maxConnections: options.connections });
  teardown.defer("operator database pool", () => prisma.$disconnect());
  const redis = createRedisConnection(options.redisUrl, { name: "bench-operator", purpose: "bullmq" });
  teardown.defer("operator redis", () => redis.disconnect());
  const running = await createApprovalService({
    prisma,
    redisUrl: options.redisUrl,
    publisher: redis,
    keyPrefix: options.keyPrefix,
    redact: createRedactor({ keys: DEFAULT_REDACT_KEYS }),
    grantTtlMs: 15 * 60_000,
    logger: createLogger("silent"),
    notifier: undefined,
    role: "operator",
  });
  teardown.defer("operator approval service", () => running.close());
  return running.service;
}

/** Approves every id with an operator vote, `parallel` votes at a time; returns how many were not recorded. */
export async function approveAll(
  service: ApprovalService,
  ids: readonly string[],
  parallel: number,
): Promise<{ notRecorded: number; firstProblem: string | undefined }> {
  let next = 0;
  let notRecorded = 0;
  let firstProblem: string | undefined;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < ids.length; index = next++) {
      const approvalId = ids[index] ?? "";
      const result = await service
        .decide({
          approvalId,
          reviewerId: "cli:bench-operator",
          reviewerName: "bench-operator",
          channel: "cli",
          vote: "approve",
          reason: null,
          operator: true,
        })
        .catch((error: unknown) => ({ kind: error instanceof Error ? error.message : String(error) }));
      if (result.kind !== "recorded") {
        notRecorded += 1;
        firstProblem ??= `${approvalId}: ${result.kind}`;
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return { notRecorded, firstProblem };
}
