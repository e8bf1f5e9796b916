import type {
  ApprovalDecider,
  ApprovalRequest,
  VoteInput,
  VoteResult,
} from "../../../src/approvals/types.js";

/**
 * The approval service's contract, kept in memory: enough behaviour to see what the Slack
 * layer asks of it and how it answers each outcome.
 */
export class InMemoryDecider implements ApprovalDecider {
  readonly requests = new Map<string, ApprovalRequest>();
  readonly decideCalls: VoteInput[] = [];
  failure: Error | undefined;

  add(request: ApprovalRequest): ApprovalRequest {
    this.requests.set(request.id, request);
    return request;
  }

  async get(approvalId: string): Promise<ApprovalRequest | undefined> {
    return this.requests.get(approvalId);
  }

  async decide(input: VoteInput): Promise<VoteResult> {
    this.decideCalls.push(input);
    if (this.failure) throw this.failure;
    const request = this.requests.get(input.approvalId);
    if (!request) return { kind: "not_found" };
    if (request.approvers.length > 0 && !request.approvers.includes(input.reviewerId) && !input.operator) {
      return { kind: "not_authorized", request };
    }
    if (request.status !== "pending") return { kind: "already_decided", request };
    if (request.votes.some((vote) => vote.reviewerId === input.reviewerId))
      return { kind: "already_voted", request };
    if (input.vote === "deny" && request.requireReasonOnDeny && !input.reason) {
      return { kind: "reason_required", request };
    }
    return this.record(request, input);
  }

  private record(request: ApprovalRequest, input: VoteInput): VoteResult {
    const votes = [...request.votes, { ...input, createdAt: new Date() }];
    const approvals = votes.filter((vote) => vote.vote === "approve").length;
    const decided = input.vote === "deny" || approvals >= request.quorum;
    const updated: ApprovalRequest = decided
      ? {
          ...request,
          votes,
          status: input.vote === "deny" ? "denied" : "approved",
          decidedAt: new Date(),
          decidedBy: input.reviewerName,
          decisionReason: input.reason,
        }
      : { ...request, votes };
    this.requests.set(request.id, updated);
    return { kind: "recorded", request: updated, decided };
  }
}
