import { randomUUID } from "node:crypto";
import type { Prisma, PrismaClient } from "../../../src/generated/prisma/client.js";

/** A row to insert, with the sort key always set. */
export type DecisionRowInput = Prisma.DecisionCreateManyInput & { id: string; createdAt: Date };

/** A decision row as the log would write it; `createdAt` defaults to a fixed instant. */
export function decisionRow(overrides: Partial<DecisionRowInput> = {}): DecisionRowInput {
  return {
    id: randomUUID(),
    createdAt: new Date("2026-03-10T12:00:00.000Z"),
    requestId: `req-${randomUUID().slice(0, 8)}`,
    agentId: "ci-bot",
    sessionId: "session-1",
    upstream: "sagemaker",
    tool: "list_endpoints",
    arguments: { region: "eu-west-1" },
    decision: "allow",
    ruleId: "read-only",
    reason: null,
    outcome: "ok",
    latencyMs: 4,
    upstreamLatencyMs: 3,
    approvalId: null,
    approvalStatus: null,
    reviewers: [],
    approvalWaitMs: null,
    ...overrides,
  };
}

export async function insertDecisions(
  prisma: PrismaClient,
  rows: readonly DecisionRowInput[],
): Promise<void> {
  await prisma.decision.createMany({ data: [...rows] });
}

/** Newest first, ties broken by the larger id: the order every query returns. */
export function newestFirst<T extends { createdAt: Date | string; id: string }>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => {
    const byTime = new Date(b.createdAt).getTime() - new Date(a.createdAt).getTime();
    return byTime !== 0 ? byTime : b.id < a.id ? -1 : b.id > a.id ? 1 : 0;
  });
}
