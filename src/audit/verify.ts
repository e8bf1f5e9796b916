import type { Decision, PrismaClient } from "../generated/prisma/client.js";
import { ErrorCode, GatewayError } from "../errors.js";
import { genesisHash } from "./chain.js";
import type { ChainLookups, ChainProblem, StoredChainRecord } from "./chain-problems.js";
import { ChainWalk, type ChainStart, type ExpectedHead } from "./chain-walk.js";

export type { ChainProblem, ChainProblemKind } from "./chain-problems.js";
export type { ExpectedHead } from "./chain-walk.js";

export interface VerifyOptions {
  /** Records read per query (default 1,000); memory use is bounded by it. */
  readonly batchSize?: number;
  /** Called after each batch with the number of records verified so far. */
  readonly onProgress?: (checked: number) => void;
  /** A head kept outside the database (from an earlier report): it must still be in the chain. */
  readonly expectedHead?: ExpectedHead;
}

/** The retention anchor verification started from. */
export interface ChainAnchor {
  readonly id: string;
  readonly createdAt: Date;
  /** The first retained record. */
  readonly seq: string;
  /** The hash of the last pruned record: the first retained record's predecessor. */
  readonly prevHash: string;
  readonly prunedCount: number;
  readonly prunedUntil: Date;
}

export interface VerifyReport {
  readonly ok: boolean;
  /** Chained records that passed every check (up to the first problem). */
  readonly checked: number;
  readonly firstProblem?: ChainProblem;
  /** Present when retention pruned older records and verification started at its anchor. */
  readonly anchor?: ChainAnchor;
  /** The newest record that passed; keep it elsewhere to detect a later truncation. */
  readonly head?: { readonly seq: string; readonly hash: string };
}

const defaultBatchSize = 1_000;

/**
 * Walks the decision chain in seq order, from the newest retention anchor (or from genesis),
 * reading `batchSize` records at a time, and reports the first record that was altered,
 * deleted, inserted or reordered, or a row written after the chain started without a place in
 * it (see chain-problems.ts for how each is told apart).
 *
 * Limitations: deleting the newest record(s) leaves a shorter chain that is still valid, so it
 * is only detected against a head kept elsewhere (`expectedHead`, e.g. the `head` of an earlier
 * report). Someone able to write the table who also rewrites every later hash with this public
 * algorithm is likewise only caught by such an external head. Rows without a seq that are older
 * than the chain (written before it existed) are not covered.
 */
export async function verifyDecisionChain(
  prisma: PrismaClient,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const anchor = await findNewestAnchor(prisma);
  const walk = new ChainWalk(chainStart(anchor), chainLookups(prisma), options.expectedHead);
  let firstProblem: ChainProblem | undefined;
  for await (const records of chainBatches(prisma, options.batchSize ?? defaultBatchSize)) {
    firstProblem = await walk.check(records);
    options.onProgress?.(walk.checked);
    if (firstProblem) break;
  }
  firstProblem ??= walk.finish() ?? (await findUnchainedRow(prisma, walk.firstCreatedAt));
  const head = walk.head;
  return {
    ok: firstProblem === undefined,
    checked: walk.checked,
    ...(firstProblem && { firstProblem }),
    ...(anchor && { anchor }),
    ...(head && { head: { seq: String(head.seq), hash: head.hash } }),
  };
}

async function findNewestAnchor(prisma: PrismaClient): Promise<ChainAnchor | undefined> {
  const anchor = await prisma.auditAnchor.findFirst({ orderBy: [{ seq: "desc" }, { createdAt: "desc" }] });
  return anchor ? { ...anchor, seq: String(anchor.seq) } : undefined;
}

function chainStart(anchor: ChainAnchor | undefined): ChainStart {
  if (!anchor) return { seq: 1n, prevHash: genesisHash, label: "genesis (record 1)", mustExist: false };
  return {
    seq: BigInt(anchor.seq),
    prevHash: anchor.prevHash,
    label: `the retention anchor at record ${anchor.seq}`,
    mustExist: true,
  };
}

/** Chained rows in seq order, `batchSize` at a time (keyset pagination on the seq index). */
async function* chainBatches(prisma: PrismaClient, batchSize: number): AsyncGenerator<StoredChainRecord[]> {
  let after: bigint | undefined;
  for (;;) {
    const rows = await prisma.decision.findMany({
      where: { seq: after === undefined ? { not: null } : { gt: after } },
      orderBy: { seq: "asc" },
      take: batchSize,
    });
    const records = rows.map(toStoredRecord);
    if (records.length > 0) yield records;
    if (records.length < batchSize) return;
    after = records.at(-1)?.seq;
  }
}

function toStoredRecord(row: Decision): StoredChainRecord {
  if (row.seq === null) throw new GatewayError(ErrorCode.Internal, `decision ${row.id} has no seq`);
  return { ...row, seq: row.seq };
}

function chainLookups(prisma: PrismaClient): ChainLookups {
  const position = { seq: true, id: true } as const;
  const toPosition = (row: { seq: bigint | null; id: string } | null) =>
    row?.seq == null ? undefined : { seq: row.seq, id: row.id };
  return {
    bySeq: async (seq) => toPosition(await prisma.decision.findUnique({ where: { seq }, select: position })),
    byHash: async (hash) =>
      toPosition(await prisma.decision.findFirst({ where: { hash, seq: { not: null } }, select: position })),
  };
}

/** A row without a seq created once the chain had started: written around the chained writer. */
async function findUnchainedRow(
  prisma: PrismaClient,
  chainStartedAt: Date | undefined,
): Promise<ChainProblem | undefined> {
  if (chainStartedAt === undefined) return undefined;
  const row = await prisma.decision.findFirst({
    where: { seq: null, createdAt: { gte: chainStartedAt } },
    orderBy: { createdAt: "asc" },
    select: { id: true, createdAt: true },
  });
  if (!row) return undefined;
  return {
    seq: null,
    id: row.id,
    kind: "unchained",
    detail: `decision ${row.id} (created ${row.createdAt.toISOString()}) has no place in the chain although the chain had started (${chainStartedAt.toISOString()}): it was written around the gateway's chained writer`,
  };
}
