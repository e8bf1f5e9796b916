import { Prisma, type PrismaClient } from "../generated/prisma/client.js";

export type ChainTransaction = Prisma.TransactionClient;

/**
 * The advisory lock key every writer of the decision chain takes (an arbitrary constant that
 * no other part of the gateway uses). Holding it is what makes the chain one linear sequence
 * when several replicas write at once.
 */
export const decisionChainLockKey = 7_305_414_226_318_021_633n;

// Writers queue on the lock while holding a pooled connection; a burst from several replicas
// may wait a while for either, and that is not an outage.
const transactionOptions = {
  isolationLevel: Prisma.TransactionIsolationLevel.ReadCommitted,
  maxWait: 10_000,
  timeout: 60_000,
};

/**
 * Runs `work` in a transaction holding the decision chain lock, which is released when the
 * transaction ends. Under READ COMMITTED each statement sees everything committed before it,
 * so once the lock is held the chain head read inside `work` is the real head.
 */
export function withDecisionChainLock<T>(
  prisma: PrismaClient,
  work: (tx: ChainTransaction) => Promise<T>,
): Promise<T> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${decisionChainLockKey})`;
    return work(tx);
  }, transactionOptions);
}

/** The newest chained record, or undefined before the first one. */
export async function findChainHead(
  tx: ChainTransaction,
): Promise<{ seq: bigint; hash: string | null } | undefined> {
  const head = await tx.decision.findFirst({
    where: { seq: { not: null } },
    orderBy: { seq: "desc" },
    select: { seq: true, hash: true },
  });
  return head?.seq == null ? undefined : { seq: head.seq, hash: head.hash };
}
