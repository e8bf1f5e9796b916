import type { ApprovalRequest } from "../../src/approvals/types.js";

/**
 * A pending approval request with nothing decided, for tests of code that renders or judges
 * requests; callers override what their test is about.
 */
export function approvalRequestFixture(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  const createdAt = overrides.createdAt ?? new Date("2030-01-02T10:00:00.000Z");
  return {
    id: "5a4f7b8e-2f0c-4d1e-9a51-3c2b1a0f9e8d",
    createdAt,
    expiresAt: new Date(createdAt.getTime() + 10 * 60_000),
    status: "pending",
    agentId: "release-bot",
    sessionId: "s1",
    upstream: "github",
    tool: "merge_pull_request",
    arguments: { repo: "acme/api", number: 42 },
    argumentsHash: "0".repeat(64),
    ruleId: "merges-need-review",
    channel: null,
    approvers: [],
    quorum: 1,
    onTimeout: "deny",
    requireReasonOnDeny: false,
    slackChannel: null,
    slackMessageTs: null,
    slackPostedAt: null,
    decidedAt: null,
    decidedBy: null,
    decisionReason: null,
    deliveredAt: null,
    executionOutcome: null,
    votes: [],
    ...overrides,
  };
}
