import { toStorableText, truncateText } from "../audit/storable-text.js";
import { ErrorCode, GatewayError } from "../errors.js";
import { Prisma } from "../generated/prisma/client.js";

/** One decided `tools/call`, as the proxy reports it to the decision log. */
export interface DecisionRecord {
  /** A UUID. */
  id: string;
  createdAt: Date;
  requestId: string;
  agentId: string;
  sessionId: string | null;
  upstream: string;
  tool: string;
  /** The raw call arguments; the log redacts them. */
  arguments: unknown;
  decision: "allow" | "deny" | "rate_limited" | "require_approval" | "unavailable";
  ruleId: string | null;
  reason: string | null;
  outcome: "ok" | "error" | null;
  latencyMs: number;
  upstreamLatencyMs: number | null;
  /** The approval request of a `require_approval` decision (a UUID). */
  approvalId?: string | null;
  approvalStatus?: "approved" | "denied" | "expired" | "pending" | "cancelled" | null;
  /** Names of the reviewers who voted. */
  reviewers?: readonly string[];
  /** How long the call was held waiting for people. */
  approvalWaitMs?: number | null;
  /** What a shadow rule would have done instead (`allow`, `deny`, `rate_limit`, `require_approval`). */
  shadowDecision?: string | null;
  /** The shadow rule; null when there is none or the shadowed policy default decided. */
  shadowRuleId?: string | null;
}

export type DecisionRow = Prisma.DecisionCreateManyInput;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const maxTextLength = 2_000;
const maxInt4 = 2_147_483_647;

/**
 * The row to insert for a record. Everything Postgres could reject is either refused here,
 * at the caller, or made storable: a rejected row would fail its whole batch on every retry.
 */
export function toDecisionRow(record: DecisionRecord, redact: (value: unknown) => unknown): DecisionRow {
  if (!uuidPattern.test(record.id)) {
    throw new GatewayError(ErrorCode.Internal, `decision id ${JSON.stringify(record.id)} is not a UUID`);
  }
  if (Number.isNaN(record.createdAt.getTime())) {
    throw new GatewayError(ErrorCode.Internal, `decision ${record.id} has an invalid createdAt`);
  }
  const approvalId = record.approvalId ?? null;
  if (approvalId !== null && !uuidPattern.test(approvalId)) {
    throw new GatewayError(
      ErrorCode.Internal,
      `decision ${record.id} has an approval id ${JSON.stringify(approvalId)} that is not a UUID`,
    );
  }
  return {
    id: record.id,
    createdAt: record.createdAt,
    requestId: text(record.requestId),
    agentId: text(record.agentId),
    sessionId: optionalText(record.sessionId),
    upstream: text(record.upstream),
    tool: text(record.tool),
    arguments: toJsonInput(redact(record.arguments)),
    decision: record.decision,
    ruleId: optionalText(record.ruleId),
    reason: optionalText(record.reason),
    outcome: record.outcome,
    latencyMs: toInt4(record.latencyMs),
    upstreamLatencyMs: optionalInt4(record.upstreamLatencyMs),
    approvalId,
    approvalStatus: record.approvalStatus ?? null,
    reviewers: (record.reviewers ?? []).map(text),
    approvalWaitMs: optionalInt4(record.approvalWaitMs ?? null),
    shadowDecision: optionalText(record.shadowDecision ?? null),
    shadowRuleId: optionalText(record.shadowRuleId ?? null),
  };
}

function text(value: string): string {
  return truncateText(toStorableText(value), maxTextLength);
}

function optionalText(value: string | null): string | null {
  return value === null ? null : text(value);
}

function toInt4(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.min(maxInt4, Math.max(0, Math.round(value)));
}

function optionalInt4(value: number | null): number | null {
  return value === null ? null : toInt4(value);
}

// The redactor returns plain JSON data (or undefined for a call without arguments).
function toJsonInput(value: unknown): DecisionRow["arguments"] {
  if (value === undefined || value === null) return Prisma.JsonNull;
  return value as Prisma.InputJsonValue;
}
