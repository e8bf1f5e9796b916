/**
 * The approval domain: a held `tools/call` waiting for people to decide. Slack, the CLI and
 * the HTTP API are channels onto it; the store persists it; none of them owns it.
 */
export type ApprovalStatus = "pending" | "approved" | "denied" | "expired" | "cancelled";

/** Where a vote came from. `timeout` is the gateway itself applying `on_timeout`. */
export type ReviewChannel = "slack" | "cli" | "api" | "timeout";

export type Vote = "approve" | "deny";

export interface ApprovalVote {
  readonly reviewerId: string;
  readonly reviewerName: string;
  readonly channel: ReviewChannel;
  readonly vote: Vote;
  readonly reason: string | null;
  readonly createdAt: Date;
}

export interface ApprovalRequest {
  readonly id: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly status: ApprovalStatus;
  readonly agentId: string;
  readonly sessionId: string | null;
  readonly upstream: string;
  readonly tool: string;
  /** The call's arguments with secrets redacted: for people and the audit log, never for execution. */
  readonly arguments: unknown;
  /** SHA-256 of the canonical (key-sorted) raw arguments: identifies "the same call" for retry-redeem. */
  readonly argumentsHash: string;
  readonly ruleId: string;
  /** Slack channel for the request message; null means the gateway default (or no Slack). */
  readonly channel: string | null;
  /** Slack user ids allowed to vote; empty means anyone who can see the request. */
  readonly approvers: readonly string[];
  readonly quorum: number;
  readonly onTimeout: "deny" | "approve";
  readonly requireReasonOnDeny: boolean;
  /** Where the request message was posted, once it was. */
  readonly slackChannel: string | null;
  readonly slackMessageTs: string | null;
  readonly slackPostedAt: Date | null;
  readonly decidedAt: Date | null;
  /** Who made the decision final (the deciding vote's reviewer name, or "timeout"). */
  readonly decidedBy: string | null;
  readonly decisionReason: string | null;
  /**
   * When the final answer was handed to the agent (the upstream call sent, or the rejection
   * returned). Claimed atomically, so an approved call runs at most once.
   */
  readonly deliveredAt: Date | null;
  /** Outcome of the upstream call made after approval: never its content. */
  readonly executionOutcome: "ok" | "error" | null;
  readonly votes: readonly ApprovalVote[];
}

export interface VoteInput {
  readonly approvalId: string;
  readonly reviewerId: string;
  readonly reviewerName: string;
  readonly channel: ReviewChannel;
  readonly vote: Vote;
  readonly reason: string | null;
  /** Operators (CLI, admin API) may decide even when not in the rule's approvers list. */
  readonly operator: boolean;
}

/** What a vote did. Only `recorded` changed anything. */
export type VoteResult =
  | { readonly kind: "recorded"; readonly request: ApprovalRequest; readonly decided: boolean }
  | { readonly kind: "not_found" }
  | { readonly kind: "not_authorized"; readonly request: ApprovalRequest }
  | { readonly kind: "already_decided"; readonly request: ApprovalRequest }
  | { readonly kind: "already_voted"; readonly request: ApprovalRequest }
  | { readonly kind: "reason_required"; readonly request: ApprovalRequest };

/** What the approval channels (Slack, CLI, API) need of the approval service. */
export interface ApprovalDecider {
  get(approvalId: string): Promise<ApprovalRequest | undefined>;
  /** Records a vote; when it decides the request, the waiting call wakes and every channel is updated. */
  decide(input: VoteInput): Promise<VoteResult>;
}

/**
 * A channel that shows requests to people. The approval service calls it from its job
 * worker (retried on failure, on whichever replica runs the job), never on the call path.
 */
export interface ApprovalNotifier {
  /** Posts a new request; returns where, so later updates can edit it in place. */
  postRequest(request: ApprovalRequest): Promise<{ channel: string; ts: string } | undefined>;
  /** Re-renders a request already posted (decided, expired, cancelled, executed). */
  updateRequest(request: ApprovalRequest): Promise<void>;
}
