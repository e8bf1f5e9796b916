import type { Vote, VoteResult } from "../approvals/types.js";
import type { Flash } from "./layout.js";

/** What the operator is told after voting from the page. */
export function describeVote(result: VoteResult, vote: Vote, approvalId: string): Flash {
  switch (result.kind) {
    case "recorded": {
      const { request } = result;
      const call = `${request.tool} for ${request.agentId}`;
      if (!result.decided) {
        const approvals = request.votes.filter((cast) => cast.vote === "approve").length;
        return {
          kind: "ok",
          text: `Vote recorded (${vote}) on ${call}: ${approvals} of ${request.quorum} approvals.`,
        };
      }
      return request.status === "approved"
        ? { kind: "ok", text: `Approved ${call}; the call is forwarded.` }
        : {
            kind: "ok",
            text: `Denied ${call}${request.decisionReason ? `: ${request.decisionReason}` : "."}`,
          };
    }
    case "not_found":
      return { kind: "error", text: `No approval request ${approvalId}.` };
    case "not_authorized":
      return {
        kind: "error",
        text: `You may not vote on ${result.request.tool} for ${result.request.agentId}.`,
      };
    case "already_decided": {
      const by = result.request.decidedBy ? ` by ${result.request.decidedBy}` : "";
      return {
        kind: "error",
        text: `${result.request.tool} for ${result.request.agentId} was already ${result.request.status}${by}; nothing changed.`,
      };
    }
    case "already_voted":
      return {
        kind: "error",
        text: `You already voted on ${result.request.tool} for ${result.request.agentId}.`,
      };
    case "reason_required":
      return { kind: "error", text: `Denying ${result.request.tool} requires a reason; nothing changed.` };
  }
}
