import { decisionHash, genesisHash, type ChainedDecisionFields } from "../audit/chain.js";
import { findChainHead, withDecisionChainLock, type ChainTransaction } from "../audit/chain-lock.js";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import type { DecisionRow } from "./decision-row.js";

type ChainedRow = DecisionRow & { createdAt: Date; seq: bigint; prevHash: string; hash: string };

/**
 * Appends rows to the decision chain, in order, in one transaction under the chain lock, and
 * returns how many were inserted. Rows whose id is already stored (a retried batch whose
 * commit went unseen) are skipped rather than chained twice, so a retry duplicates nothing.
 */
export function appendToDecisionChain(prisma: PrismaClient, rows: readonly DecisionRow[]): Promise<number> {
  return withDecisionChainLock(prisma, async (tx) => {
    const fresh = await withoutStoredIds(tx, rows);
    if (fresh.length === 0) return 0;
    const head = await findChainHead(tx);
    const chained = linkToChain(fresh, head?.seq ?? 0n, head?.hash ?? genesisHash);
    await tx.decision.createMany({ data: chained });
    return chained.length;
  });
}

/** The rows with the next seq numbers after `headSeq` and their hashes, each linked to the one before. */
export function linkToChain(rows: readonly DecisionRow[], headSeq: bigint, headHash: string): ChainedRow[] {
  let seq = headSeq;
  let prevHash = headHash;
  return rows.map((row) => {
    seq += 1n;
    // The hash covers createdAt, so it must be set here rather than by the column default.
    const linked = { ...row, createdAt: toDate(row.createdAt), seq, prevHash, hash: "" };
    linked.hash = decisionHash(prevHash, chainedFieldsOf(linked));
    prevHash = linked.hash;
    return linked;
  });
}

/** The hashed fields of a row about to be inserted, as they will read back from Postgres. */
export function chainedFieldsOf(row: DecisionRow & { createdAt: Date; seq: bigint }): ChainedDecisionFields {
  return {
    seq: row.seq,
    id: row.id,
    createdAt: row.createdAt,
    requestId: row.requestId,
    agentId: row.agentId,
    sessionId: row.sessionId ?? null,
    upstream: row.upstream,
    tool: row.tool,
    arguments: row.arguments === Prisma.JsonNull ? null : row.arguments,
    decision: row.decision,
    ruleId: row.ruleId ?? null,
    reason: row.reason ?? null,
    outcome: row.outcome ?? null,
    latencyMs: row.latencyMs,
    upstreamLatencyMs: row.upstreamLatencyMs ?? null,
    approvalId: row.approvalId ?? null,
    approvalStatus: row.approvalStatus ?? null,
    reviewers: Array.isArray(row.reviewers) ? row.reviewers : (row.reviewers?.set ?? []),
    approvalWaitMs: row.approvalWaitMs ?? null,
    shadowDecision: row.shadowDecision ?? null,
    shadowRuleId: row.shadowRuleId ?? null,
  };
}

async function withoutStoredIds(tx: ChainTransaction, rows: readonly DecisionRow[]): Promise<DecisionRow[]> {
  const ids = rows.map((row) => row.id);
  const stored = await tx.decision.findMany({ where: { id: { in: ids } }, select: { id: true } });
  // Postgres returns UUIDs in lower case whatever case they were written in.
  const seen = new Set(stored.map((row) => row.id.toLowerCase()));
  return rows.filter((row) => {
    const id = row.id.toLowerCase();
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function toDate(value: Date | string | undefined): Date {
  return value === undefined ? new Date() : new Date(value);
}
