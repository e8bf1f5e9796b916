import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../generated/prisma/client.js";
import { findChainHead, withDecisionChainLock, type ChainTransaction } from "./chain-lock.js";
import type { ChainAnchor } from "./verify.js";

export interface PruneOptions {
  /** Records created before this instant may be pruned. */
  readonly olderThan: Date;
}

export interface PruneResult {
  /** Rows deleted: pruned chained records plus unchained rows from before the chain. */
  readonly pruned: number;
  /** The anchor written for the pruned chained records; absent when none were pruned. */
  readonly anchor?: ChainAnchor;
}

/**
 * Deletes old decision records without breaking verification. Under the chain lock, in one
 * transaction: prunes the longest run of chained records, from the oldest, that were all
 * created before `olderThan` (replicas chain records roughly, not strictly, in time order, so
 * a newer record stops the run), and writes an anchor naming the first retained record and
 * the hash of the last pruned one. The newest record is always kept so the chain head, which
 * writers continue from, stays in the table. Unchained rows (written before the chain existed)
 * older than the cutoff are deleted too.
 */
export function pruneDecisions(prisma: PrismaClient, options: PruneOptions): Promise<PruneResult> {
  return withDecisionChainLock(prisma, async (tx) => {
    const unchained = await tx.decision.deleteMany({
      where: { seq: null, createdAt: { lt: options.olderThan } },
    });
    const firstRetained = await findFirstRetainedSeq(tx, options.olderThan);
    if (firstRetained === undefined) return { pruned: unchained.count };
    const anchor = await pruneBefore(tx, firstRetained, options.olderThan);
    return { pruned: unchained.count + anchor.prunedCount, anchor };
  });
}

/** The seq the retained chain will start at, or undefined when nothing is to be pruned. */
async function findFirstRetainedSeq(tx: ChainTransaction, olderThan: Date): Promise<bigint | undefined> {
  const head = await findChainHead(tx);
  if (!head) return undefined;
  const oldest = await tx.decision.findFirst({
    where: { seq: { not: null } },
    orderBy: { seq: "asc" },
    select: { seq: true },
  });
  const firstRecent = await tx.decision.findFirst({
    where: { seq: { not: null }, createdAt: { gte: olderThan } },
    orderBy: { seq: "asc" },
    select: { seq: true },
  });
  const firstRetained = firstRecent?.seq ?? head.seq;
  if (oldest?.seq == null || firstRetained <= oldest.seq) return undefined;
  return firstRetained;
}

async function pruneBefore(
  tx: ChainTransaction,
  firstRetained: bigint,
  olderThan: Date,
): Promise<ChainAnchor> {
  // The last record actually stored before the retained ones: if one was deleted around the
  // gateway, the anchor keeps the mismatch visible instead of papering over it.
  const lastPruned = await tx.decision.findFirst({
    where: { seq: { lt: firstRetained } },
    orderBy: { seq: "desc" },
    select: { hash: true },
  });
  const deleted = await tx.decision.deleteMany({ where: { seq: { lt: firstRetained } } });
  const anchor = await tx.auditAnchor.create({
    data: {
      id: randomUUID(),
      seq: firstRetained,
      prevHash: lastPruned?.hash ?? "",
      prunedCount: deleted.count,
      prunedUntil: olderThan,
    },
  });
  return { ...anchor, seq: String(anchor.seq) };
}
