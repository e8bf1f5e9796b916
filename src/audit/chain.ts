import { createHash } from "node:crypto";
import { canonicalJson } from "../approvals/arguments-hash.js";

/** The predecessor hash of the first record of a chain that was never pruned. */
export const genesisHash = "0".repeat(64);

/** The fields of a decision record that its chain hash covers, as they are stored. */
export interface ChainedDecisionFields {
  readonly seq: bigint;
  readonly id: string;
  readonly createdAt: Date;
  readonly requestId: string;
  readonly agentId: string;
  readonly sessionId: string | null;
  readonly upstream: string;
  readonly tool: string;
  /** Plain JSON data (already redacted); null for a call without arguments. */
  readonly arguments: unknown;
  readonly decision: string;
  readonly ruleId: string | null;
  readonly reason: string | null;
  readonly outcome: string | null;
  readonly latencyMs: number;
  readonly upstreamLatencyMs: number | null;
  readonly approvalId: string | null;
  readonly approvalStatus: string | null;
  readonly reviewers: readonly string[];
  readonly approvalWaitMs: number | null;
  readonly shadowDecision: string | null;
  readonly shadowRuleId: string | null;
}

/**
 * The canonical text a record's hash is computed over: a JSON array of its fields in this
 * fixed order (changing it invalidates every stored chain):
 *
 *  0 seq (decimal string) · 1 id · 2 createdAt · 3 requestId · 4 agentId · 5 sessionId ·
 *  6 upstream · 7 tool · 8 arguments · 9 decision · 10 ruleId · 11 reason · 12 outcome ·
 *  13 latencyMs · 14 upstreamLatencyMs · 15 approvalId · 16 approvalStatus · 17 reviewers ·
 *  18 approvalWaitMs · 19 shadowDecision · 20 shadowRuleId
 *
 * Dates are ISO 8601 with milliseconds (UTC); UUIDs are lower case, as Postgres returns them;
 * the arguments keep their JSON structure with object keys sorted at every depth, so the text
 * is the same whether computed from the row being written or from the row read back.
 */
export function canonicalDecisionContent(row: ChainedDecisionFields): string {
  return canonicalJson([
    row.seq.toString(),
    row.id.toLowerCase(),
    row.createdAt.toISOString(),
    row.requestId,
    row.agentId,
    row.sessionId,
    row.upstream,
    row.tool,
    row.arguments ?? null,
    row.decision,
    row.ruleId,
    row.reason,
    row.outcome,
    row.latencyMs,
    row.upstreamLatencyMs,
    row.approvalId?.toLowerCase() ?? null,
    row.approvalStatus,
    row.reviewers,
    row.approvalWaitMs,
    row.shadowDecision,
    row.shadowRuleId,
  ]);
}

/** SHA-256 (lower-case hex) of `prevHash + "\n" + content`: one link of the chain. */
export function chainHash(prevHash: string, content: string): string {
  return createHash("sha256").update(`${prevHash}\n${content}`, "utf8").digest("hex");
}

/** The hash a record must carry given its predecessor's hash. */
export function decisionHash(prevHash: string, row: ChainedDecisionFields): string {
  return chainHash(prevHash, canonicalDecisionContent(row));
}
