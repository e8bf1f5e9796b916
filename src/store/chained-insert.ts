import type pg from "pg";
import { decisionHash, genesisHash, type ChainedDecisionFields } from "../audit/chain.js";
import { decisionChainLockKey } from "../audit/chain-lock.js";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import type { DecisionRow } from "./decision-row.js";
import { sqlPoolOf, withPooledConnection } from "./sql-pool.js";

type ChainedRow = DecisionRow & { createdAt: Date; seq: bigint; prevHash: string; hash: string };

/**
 * Appends rows to the decision chain, in order, in one transaction under the chain lock, and
 * returns how many were inserted. Rows whose id is already stored (a retried batch whose
 * commit went unseen) are skipped rather than chained twice, so a retry duplicates nothing.
 *
 * This runs for every batch the decision log writes, on the event loop that serves calls, so
 * it uses plain `pg` and four round trips: begin and lock, read the stored ids and the chain
 * head, insert, commit. The lock is the one `withDecisionChainLock` takes.
 */
export async function appendToDecisionChain(
  prisma: PrismaClient,
  rows: readonly DecisionRow[],
): Promise<number> {
  return withPooledConnection(sqlPoolOf(prisma), (client) =>
    inChainTransaction(client, async () => {
      const { storedIds, head } = await readChainState(client, rows);
      const fresh = withoutStoredIds(rows, storedIds);
      if (fresh.length === 0) return 0;
      const chained = linkToChain(fresh, head?.seq ?? 0n, head?.hash ?? genesisHash);
      await insertChained(client, chained);
      return chained.length;
    }),
  );
}

/**
 * Runs `work` in a READ COMMITTED transaction holding the decision chain lock; each later
 * statement takes a fresh snapshot, so once the lock is held the head it reads is the real one.
 */
async function inChainTransaction<T>(client: pg.PoolClient, work: () => Promise<T>): Promise<T> {
  await client.query(
    `BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(${decisionChainLockKey})`,
  );
  try {
    const result = await work();
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

interface ChainState {
  /** Lower-case ids of the rows that are already stored. */
  readonly storedIds: ReadonlySet<string>;
  /** The newest chained record, or undefined before the first one. */
  readonly head: { readonly seq: bigint; readonly hash: string | null } | undefined;
}

async function readChainState(client: pg.PoolClient, rows: readonly DecisionRow[]): Promise<ChainState> {
  const result = await client.query<{ stored: string[]; head_seq: string | null; head_hash: string | null }>(
    `SELECT ARRAY(SELECT id::text FROM decisions WHERE id = ANY($1::uuid[])) AS stored,
            head.seq::text AS head_seq, head.hash AS head_hash
       FROM (VALUES (1)) AS one
       LEFT JOIN LATERAL (
         SELECT seq, hash FROM decisions WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1
       ) AS head ON true`,
    [rows.map((row) => row.id)],
  );
  const state = result.rows[0];
  const headSeq = state?.head_seq ?? null;
  return {
    // Postgres returns UUIDs in lower case whatever case they were written in.
    storedIds: new Set(state?.stored ?? []),
    head: headSeq === null ? undefined : { seq: BigInt(headSeq), hash: state?.head_hash ?? null },
  };
}

function withoutStoredIds(rows: readonly DecisionRow[], storedIds: ReadonlySet<string>): DecisionRow[] {
  const seen = new Set(storedIds);
  return rows.filter((row) => {
    const id = row.id.toLowerCase();
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
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

const insertedColumns = [
  "id",
  "created_at",
  "request_id",
  "agent_id",
  "session_id",
  "upstream",
  "tool",
  "arguments",
  "decision",
  "rule_id",
  "reason",
  "outcome",
  "latency_ms",
  "upstream_latency_ms",
  "approval_id",
  "approval_status",
  "reviewers",
  "approval_wait_ms",
  "shadow_decision",
  "shadow_rule_id",
  "seq",
  "prev_hash",
  "hash",
] as const;

// Postgres takes at most 65,535 parameters per statement.
const rowsPerInsert = 1_000;

async function insertChained(client: pg.PoolClient, rows: readonly ChainedRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += rowsPerInsert) {
    const chunk = rows.slice(start, start + rowsPerInsert);
    const width = insertedColumns.length;
    const tuples = chunk.map(
      (_, index) => `(${insertedColumns.map((_, column) => `$${index * width + column + 1}`).join(", ")})`,
    );
    await client.query(
      `INSERT INTO decisions (${insertedColumns.join(", ")}) VALUES ${tuples.join(", ")}`,
      chunk.flatMap(rowValues),
    );
  }
}

/** The column values of one row, in `insertedColumns` order: exactly the fields its hash covers. */
function rowValues(row: ChainedRow): unknown[] {
  const fields = chainedFieldsOf(row);
  return [
    fields.id,
    fields.createdAt,
    fields.requestId,
    fields.agentId,
    fields.sessionId,
    fields.upstream,
    fields.tool,
    // Serialised here: `pg` would turn a top-level array into a Postgres array, not JSON.
    JSON.stringify(fields.arguments ?? null),
    fields.decision,
    fields.ruleId,
    fields.reason,
    fields.outcome,
    fields.latencyMs,
    fields.upstreamLatencyMs,
    fields.approvalId,
    fields.approvalStatus,
    fields.reviewers,
    fields.approvalWaitMs,
    fields.shadowDecision,
    fields.shadowRuleId,
    fields.seq.toString(),
    row.prevHash,
    row.hash,
  ];
}

function toDate(value: Date | string | undefined): Date {
  return value === undefined ? new Date() : new Date(value);
}
