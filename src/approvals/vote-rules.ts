import type { ApprovalRequest, ApprovalStatus, VoteInput } from "./types.js";

/** What a vote on a request as it stands must do, before anything is written. */
export type VoteCheck =
  | { readonly kind: "record" }
  /** Pending past its expiry: the timeout applies first, and the vote is too late. */
  | { readonly kind: "expire" }
  | { readonly kind: "already_decided" | "not_authorized" | "reason_required" | "already_voted" };

/** A final status with who made it final and why. */
export interface Verdict {
  readonly status: Exclude<ApprovalStatus, "pending">;
  readonly decidedBy: string | null;
  readonly decisionReason: string | null;
}

/** The checks of a vote, in the order they apply; the first that fails is the answer. */
export function checkVote(request: ApprovalRequest, input: VoteInput, now: Date): VoteCheck {
  if (request.status !== "pending") return { kind: "already_decided" };
  if (now.getTime() >= request.expiresAt.getTime()) return { kind: "expire" };
  if (!mayVote(request, input)) return { kind: "not_authorized" };
  if (input.vote === "deny" && request.requireReasonOnDeny && normalizedReason(input.reason) === null) {
    return { kind: "reason_required" };
  }
  if (request.votes.some((vote) => vote.reviewerId === input.reviewerId)) return { kind: "already_voted" };
  return { kind: "record" };
}

function mayVote(request: ApprovalRequest, input: VoteInput): boolean {
  return input.operator || request.approvers.length === 0 || request.approvers.includes(input.reviewerId);
}

/** A reason as stored: trimmed, and none at all when blank. */
export function normalizedReason(reason: string | null): string | null {
  const trimmed = reason?.trim() ?? "";
  return trimmed === "" ? null : trimmed;
}

/**
 * The verdict once `input` is counted on top of the request's earlier votes; undefined while
 * the request stays pending. One deny decides; approvals decide at the quorum.
 */
export function verdictAfterVote(request: ApprovalRequest, input: VoteInput): Verdict | undefined {
  const decided = { decidedBy: input.reviewerName, decisionReason: normalizedReason(input.reason) };
  if (input.vote === "deny") return { status: "denied", ...decided };
  const approvals = request.votes.filter((vote) => vote.vote === "approve").length + 1;
  return approvals >= request.quorum ? { status: "approved", ...decided } : undefined;
}

/** The verdict of a request nobody decided in time, per its `on_timeout`. */
export function timeoutVerdict(request: ApprovalRequest): Verdict {
  return {
    status: request.onTimeout === "approve" ? "approved" : "expired",
    decidedBy: "timeout",
    decisionReason: null,
  };
}
