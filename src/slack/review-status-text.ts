import type { ApprovalRequest, ApprovalVote, Vote } from "../approvals/types.js";
import { formatDuration, mrkdwnText, slackDate, userMention } from "./slack-text.js";

const maxReasonLength = 500;
const maxNameLength = 80;
const timeoutReviewer = "timeout";

/**
 * What became of a request, as one mrkdwn line ("Approved by <@U111> at …"); undefined
 * while it is pending. `now` stands in for a decision time the store did not record.
 */
export function describeDecision(request: ApprovalRequest, now: Date): string | undefined {
  const at = slackDate(request.decidedAt ?? now);
  switch (request.status) {
    case "pending":
      return undefined;
    case "approved":
      return decidedByTimeout(request, "approve")
        ? "Approved automatically on timeout"
        : `Approved by ${reviewerOf(request, "approve")} at ${at}`;
    case "denied": {
      if (decidedByTimeout(request, "deny")) return "Denied automatically on timeout";
      const reason = request.decisionReason ?? decidingVote(request, "deny")?.reason ?? null;
      const line = `Denied by ${reviewerOf(request, "deny")} at ${at}`;
      return reason ? `${line}: ${mrkdwnText(reason, maxReasonLength)}` : line;
    }
    case "expired": {
      const waited = formatDuration(request.expiresAt.getTime() - request.createdAt.getTime());
      return `Expired after ${waited} (on timeout: ${request.onTimeout})`;
    }
    case "cancelled":
      return request.decisionReason
        ? `Cancelled: ${mrkdwnText(request.decisionReason, maxReasonLength)}`
        : "Cancelled";
  }
}

/** "1 of 2 approvals: <@U111>" when the rule needs more than one approval. */
export function quorumProgress(request: ApprovalRequest): string | undefined {
  if (request.quorum <= 1) return undefined;
  const approvals = request.votes.filter((vote) => vote.vote === "approve");
  const progress = `${approvals.length} of ${request.quorum} approvals`;
  return approvals.length === 0 ? progress : `${progress}: ${approvals.map(describeVoter).join(", ")}`;
}

/** The upstream call's outcome once known: never its content. */
export function describeOutcome(request: ApprovalRequest): string | undefined {
  return request.executionOutcome === null ? undefined : `Upstream call: ${request.executionOutcome}`;
}

function decidedByTimeout(request: ApprovalRequest, vote: Vote): boolean {
  return request.decidedBy === timeoutReviewer || decidingVote(request, vote)?.channel === "timeout";
}

/** The vote that made the decision final: the last of its kind, by the named decider if known. */
function decidingVote(request: ApprovalRequest, vote: Vote): ApprovalVote | undefined {
  const matching = request.votes.filter((candidate) => candidate.vote === vote);
  const byDecider = matching.filter((candidate) => candidate.reviewerName === request.decidedBy);
  return byDecider.at(-1) ?? matching.at(-1);
}

function reviewerOf(request: ApprovalRequest, vote: Vote): string {
  const deciding = decidingVote(request, vote);
  if (deciding) return describeVoter(deciding);
  return request.decidedBy ? mrkdwnText(request.decidedBy, maxNameLength) : "an unknown reviewer";
}

/** Slack voters as mentions; CLI and API voters by name, with where they voted from. */
function describeVoter(vote: ApprovalVote): string {
  if (vote.channel === "slack") return userMention(vote.reviewerId);
  return `${mrkdwnText(vote.reviewerName, maxNameLength)} (${vote.channel})`;
}
