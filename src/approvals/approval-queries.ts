import type { Prisma } from "../generated/prisma/client.js";
import { storableText } from "./approval-row.js";
import type { ApprovalStatus } from "./types.js";

export interface ReusableApprovalQuery {
  readonly agentId: string;
  readonly upstream: string;
  readonly tool: string;
  readonly argumentsHash: string;
  /** Decisions older than this are no longer redeemable by a retry. */
  readonly decidedSince: Date;
}

export interface ApprovalListFilter {
  readonly status?: ApprovalStatus;
  /** At most this many (default 100, at most 1,000). */
  readonly limit?: number;
}

export const defaultListLimit = 100;
const maxListLimit = 1_000;

/**
 * The agent's requests for the very same call that a retry may attach to: still pending, or
 * decided since `decidedSince` and not yet handed to anyone.
 */
export function reusableWhere(query: ReusableApprovalQuery): Prisma.ApprovalRequestWhereInput {
  return {
    agentId: storableText(query.agentId),
    upstream: storableText(query.upstream),
    tool: storableText(query.tool),
    argumentsHash: query.argumentsHash,
    OR: [
      { status: "pending" },
      {
        status: { in: ["approved", "denied", "expired"] },
        deliveredAt: null,
        decidedAt: { gte: query.decidedSince },
      },
    ],
  };
}

export function clampLimit(limit: number): number {
  if (!Number.isFinite(limit)) return defaultListLimit;
  return Math.min(maxListLimit, Math.max(1, Math.trunc(limit)));
}
