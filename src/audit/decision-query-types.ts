import type { ApprovalRequest } from "../approvals/types.js";

/** Filters of the decision history, shared by the admin API, the CLI, the web page and exports. */
export interface DecisionFilter {
  readonly agent?: string;
  readonly upstream?: string;
  readonly tool?: string;
  /** allow | deny | rate_limited | require_approval | unavailable */
  readonly decision?: string;
  /** A reviewer's name among the decision's reviewers. */
  readonly reviewer?: string;
  /** Inclusive lower bound of `createdAt`. */
  readonly from?: Date;
  /** Exclusive upper bound of `createdAt`. */
  readonly to?: Date;
  /** Case-insensitive substring of the rule id or the reason. */
  readonly text?: string;
}

/** One decision record as operators see it (arguments already redacted at write time). */
export interface DecisionView {
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
  readonly reviewers: readonly string[];
  readonly approvalWaitMs: number | null;
  readonly shadowDecision: string | null;
  readonly shadowRuleId: string | null;
  /** Position in the tamper-evident chain, as a decimal string (a BIGINT). */
  readonly seq: string | null;
}

export interface DecisionPage {
  readonly items: readonly DecisionView[];
  /** Opaque; pass back as `cursor` for the next (older) page. Null on the last page. */
  readonly nextCursor: string | null;
}

export type TimelineEventKind =
  "requested" | "posted_to_slack" | "vote" | "decided" | "forwarded" | "upstream_outcome" | "recorded";

export interface TimelineEvent {
  readonly at: Date;
  readonly kind: TimelineEventKind;
  /** Who acted, when a person did (reviewer name) or the agent id. */
  readonly actor: string | null;
  readonly detail: string;
}

export interface DecisionDetail extends DecisionView {
  readonly approval: ApprovalRequest | null;
  /** Oldest first. */
  readonly timeline: readonly TimelineEvent[];
}

/** Decisions per UTC day and outcome, for charts. */
export interface DailyDecisionCount {
  /** YYYY-MM-DD (UTC). */
  readonly day: string;
  readonly decision: string;
  readonly count: number;
}
