import type { ApprovalRequest, VoteResult } from "../approvals/types.js";
import { mrkdwnText } from "./slack-text.js";

/** Shown when the approval service failed; the details stay in the gateway's logs. */
export const unavailableReply = "The approval service could not handle this right now. Please try again.";
export const reasonRequiredReply = "A reason is required to deny this request.";
export const notFoundReply = "This approval request no longer exists.";
export const alreadyVotedReply = "You already voted on this request.";

export function notAuthorizedReply(request: ApprovalRequest): string {
  return `You are not an approver for rule \`${mrkdwnText(request.ruleId, 200)}\`.`;
}

export function alreadyDecidedReply(request: ApprovalRequest): string {
  const by = request.decidedBy ? ` by ${mrkdwnText(request.decidedBy, 80)}` : "";
  return `This request was already ${request.status}${by}.`;
}

/**
 * The private answer to a reviewer whose vote changed nothing; undefined for a recorded
 * vote, whose effect everyone sees in the updated request message.
 */
export function replyToVote(result: VoteResult): string | undefined {
  switch (result.kind) {
    case "recorded":
      return undefined;
    case "not_found":
      return notFoundReply;
    case "not_authorized":
      return notAuthorizedReply(result.request);
    case "already_decided":
      return alreadyDecidedReply(result.request);
    case "already_voted":
      return alreadyVotedReply;
    case "reason_required":
      return reasonRequiredReply;
  }
}

/**
 * Why a user may not deny the request (checked before the deny modal opens, so nobody
 * types a reason only to be refused); undefined when they may.
 */
export function refusalToDeny(request: ApprovalRequest | undefined, userId: string): string | undefined {
  if (!request) return notFoundReply;
  if (request.approvers.length > 0 && !request.approvers.includes(userId)) return notAuthorizedReply(request);
  if (request.status !== "pending") return alreadyDecidedReply(request);
  if (request.votes.some((vote) => vote.reviewerId === userId)) return alreadyVotedReply;
  return undefined;
}
