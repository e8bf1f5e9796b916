import type { ApprovalRequest } from "../approvals/types.js";
import type { DecisionView, TimelineEvent } from "./decision-query-types.js";

/**
 * What happened to a call, oldest first. A plain decision was decided and recorded in one
 * step; a held call went through its approval request, whose rows tell the rest.
 */
export function buildTimeline(decision: DecisionView, approval: ApprovalRequest | null): TimelineEvent[] {
  if (!approval) return [recordedEvent(decision)];
  const events: TimelineEvent[] = [
    {
      at: approval.createdAt,
      kind: "requested",
      actor: approval.agentId,
      detail: `approval requested by rule ${approval.ruleId} (quorum ${approval.quorum})`,
    },
    ...slackEvents(approval),
    ...approval.votes.map((vote): TimelineEvent => ({
      at: vote.createdAt,
      kind: "vote",
      actor: vote.reviewerName,
      detail: withReason(`${vote.vote} via ${vote.channel}`, vote.reason),
    })),
    ...decidedEvents(approval),
    ...outcomeEvents(decision, approval),
  ];
  // Stable: events at the same instant keep their causal order from above.
  return events.sort((a, b) => a.at.getTime() - b.at.getTime());
}

function recordedEvent(decision: DecisionView): TimelineEvent {
  const rule = decision.ruleId ? ` by rule ${decision.ruleId}` : "";
  return {
    at: decision.createdAt,
    kind: "recorded",
    actor: decision.agentId,
    detail: withReason(`${decision.decision}${rule}`, decision.reason),
  };
}

function slackEvents(approval: ApprovalRequest): TimelineEvent[] {
  if (!approval.slackPostedAt) return [];
  const where = approval.slackChannel ? ` to ${approval.slackChannel}` : "";
  return [{ at: approval.slackPostedAt, kind: "posted_to_slack", actor: null, detail: `posted${where}` }];
}

function decidedEvents(approval: ApprovalRequest): TimelineEvent[] {
  if (!approval.decidedAt) return [];
  return [
    {
      at: approval.decidedAt,
      kind: "decided",
      actor: approval.decidedBy,
      detail: withReason(approval.status, approval.decisionReason),
    },
  ];
}

function outcomeEvents(decision: DecisionView, approval: ApprovalRequest): TimelineEvent[] {
  if (approval.status !== "approved") return [];
  const events: TimelineEvent[] = [];
  if (approval.deliveredAt) {
    events.push({
      at: approval.deliveredAt,
      kind: "forwarded",
      actor: null,
      detail: `forwarded to ${approval.upstream}`,
    });
  }
  // Only the record of the call that went upstream has an outcome; an earlier "still
  // pending" answer for the same request did not run anything.
  const outcome = decision.outcome === null ? null : (approval.executionOutcome ?? decision.outcome);
  if (outcome) {
    events.push({
      at: decision.createdAt,
      kind: "upstream_outcome",
      actor: null,
      detail: `upstream returned ${outcome}`,
    });
  }
  return events;
}

function withReason(text: string, reason: string | null): string {
  return reason ? `${text}: ${reason}` : text;
}
