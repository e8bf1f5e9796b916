import { randomUUID } from "node:crypto";
import { ErrorCode, GatewayError } from "../errors.js";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import { toApprovalRequest, withVotes } from "./approval-row.js";
import type { ApprovalRequest, VoteInput } from "./types.js";
import type { Verdict } from "./vote-rules.js";

export type Transaction = Prisma.TransactionClient;

/**
 * A change made to a request while its row lock is held; `now` is the time to stamp on what
 * it writes, read once the lock was held.
 */
export type LockedChange<T> = (tx: Transaction, request: ApprovalRequest, now: Date) => Promise<T>;

/** Where a locked change reads the time; undefined: the database's clock. */
export type LockedClock = (() => Date) | undefined;

const notFound = { kind: "not_found" } as const;

// A transaction waiting on the row lock keeps its pooled connection meanwhile. The store
// queues changes to one request within a process, so that wait is only ever behind another
// replica, and a burst of clicks does not take every connection of the pool.
const transactionOptions = {
  isolationLevel: Prisma.TransactionIsolationLevel.ReadCommitted,
  maxWait: 10_000,
  timeout: 15_000,
};

/**
 * Runs `change` in a transaction that holds the request's row lock, with the request as it
 * stands once the lock is held. Everyone changing a request goes through here, so changes
 * to one request are serialised: READ COMMITTED alone would let two racing reviewers each
 * count the other's vote as missing.
 *
 * The time is read after the lock too: a time read before it could be earlier than a vote
 * that another change committed meanwhile, and this change may count that vote. The
 * database's clock (by default) is the one clock every replica shares.
 */
export function withLockedRequest<T>(
  prisma: PrismaClient,
  id: string,
  change: LockedChange<T>,
  clock: LockedClock,
): Promise<T | typeof notFound> {
  return prisma.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM approval_requests WHERE id = ${id}::uuid FOR UPDATE`;
    if (locked.length === 0) return notFound;
    const now = clock ? clock() : await databaseNow(tx);
    const request = await findRequest(tx, id);
    return request ? change(tx, request, now) : notFound;
  }, transactionOptions);
}

// clock_timestamp(), unlike now(), is the time of the call, not of the transaction's start;
// rounded as the timestamptz(3) columns round, so that a later time is never stored earlier.
async function databaseNow(tx: Transaction): Promise<Date> {
  const [row] = await tx.$queryRaw<{ now: Date }[]>`SELECT clock_timestamp()::timestamptz(3) AS now`;
  if (!row) throw new GatewayError(ErrorCode.Internal, "the database did not tell the time");
  return row.now;
}

export async function findRequest(
  client: Transaction | PrismaClient,
  id: string,
): Promise<ApprovalRequest | undefined> {
  const row = await client.approvalRequest.findUnique({ where: { id }, include: withVotes });
  return row ? toApprovalRequest(row) : undefined;
}

/** Makes the verdict final; call only under the request's row lock, on a pending request. */
export async function applyVerdict(
  tx: Transaction,
  id: string,
  verdict: Verdict,
  now: Date,
): Promise<ApprovalRequest> {
  const row = await tx.approvalRequest.update({
    where: { id },
    data: { ...verdict, decidedAt: now },
    include: withVotes,
  });
  return toApprovalRequest(row);
}

/** Stores a vote already made storable; call only under the request's row lock. */
export async function insertVote(tx: Transaction, vote: VoteInput, now: Date): Promise<void> {
  await tx.approvalVote.create({
    data: {
      id: randomUUID(),
      approvalId: vote.approvalId,
      reviewerId: vote.reviewerId,
      reviewerName: vote.reviewerName,
      channel: vote.channel,
      vote: vote.vote,
      reason: vote.reason,
      createdAt: now,
    },
  });
}
