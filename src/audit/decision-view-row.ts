import { Prisma } from "../generated/prisma/client.js";
import type { DecisionView } from "./decision-query-types.js";

/** A `decisions` row as the view columns below return it. */
export interface DecisionViewRow {
  readonly id: string;
  readonly createdAt: Date;
  readonly requestId: string;
  readonly agentId: string;
  readonly sessionId: string | null;
  readonly upstream: string;
  readonly tool: string;
  readonly arguments: unknown;
  readonly decision: string;
  readonly ruleId: string | null;
  readonly reason: string | null;
  readonly outcome: string | null;
  readonly latencyMs: number;
  readonly upstreamLatencyMs: number | null;
  readonly approvalId: string | null;
  readonly approvalStatus: string | null;
  readonly reviewers: readonly string[] | null;
  readonly approvalWaitMs: number | null;
  readonly shadowDecision: string | null;
  readonly shadowRuleId: string | null;
  readonly seq: bigint | number | string | null;
}

/** The columns of a {@link DecisionViewRow}; never the chain hashes, which operators do not read. */
export const decisionViewColumns = Prisma.raw(
  [
    `id::text AS "id"`,
    `created_at AS "createdAt"`,
    `request_id AS "requestId"`,
    `agent_id AS "agentId"`,
    `session_id AS "sessionId"`,
    `upstream`,
    `tool`,
    `arguments`,
    `decision`,
    `rule_id AS "ruleId"`,
    `reason`,
    `outcome`,
    `latency_ms AS "latencyMs"`,
    `upstream_latency_ms AS "upstreamLatencyMs"`,
    `approval_id::text AS "approvalId"`,
    `approval_status AS "approvalStatus"`,
    `reviewers`,
    `approval_wait_ms AS "approvalWaitMs"`,
    `shadow_decision AS "shadowDecision"`,
    `shadow_rule_id AS "shadowRuleId"`,
    `seq::text AS "seq"`,
  ].join(", "),
);

export function toDecisionView(row: DecisionViewRow): DecisionView {
  return {
    id: row.id,
    createdAt: new Date(row.createdAt),
    requestId: row.requestId,
    agentId: row.agentId,
    sessionId: row.sessionId,
    upstream: row.upstream,
    tool: row.tool,
    arguments: row.arguments,
    decision: row.decision,
    ruleId: row.ruleId,
    reason: row.reason,
    outcome: row.outcome,
    latencyMs: Number(row.latencyMs),
    upstreamLatencyMs: row.upstreamLatencyMs === null ? null : Number(row.upstreamLatencyMs),
    approvalId: row.approvalId,
    approvalStatus: row.approvalStatus,
    // A row written by hand may hold NULL in the list column.
    reviewers: row.reviewers ?? [],
    approvalWaitMs: row.approvalWaitMs === null ? null : Number(row.approvalWaitMs),
    shadowDecision: row.shadowDecision,
    shadowRuleId: row.shadowRuleId,
    seq: row.seq === null ? null : String(row.seq),
  };
}
