import type { ApprovalRequest } from "../../../src/approvals/types.js";
import type { DecisionDetail } from "../../../src/audit/decision-query-types.js";
import type { PageContext } from "../../../src/ui/layout.js";
import { approvalRequestFixture } from "../../support/approval-request.js";

export const hostile = `<script>alert("x")</script><img src=x onerror=alert(1)>"'&`;

export const context: PageContext = {
  base: "/ui",
  adminId: "ops-admin",
  csrfToken: "csrf-token-value",
  flash: undefined,
};

export function pendingRequest(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return approvalRequestFixture({
    id: "7d1c1c1e-2f1a-4a55-9a59-0d6f5f1b2c3d",
    createdAt: new Date("2024-05-01T10:00:00Z"),
    expiresAt: new Date("2024-05-01T10:10:00Z"),
    agentId: "ci-bot",
    sessionId: null,
    upstream: "sagemaker",
    tool: "create_api_key",
    arguments: { name: "deploy" },
    ruleId: "approve-credentials",
    requireReasonOnDeny: true,
    ...overrides,
  });
}

export function decisionDetail(overrides: Partial<DecisionDetail> = {}): DecisionDetail {
  return {
    id: "1b0e1d3c-0d0c-4d0e-8f4a-2b8b9d9f0a11",
    createdAt: new Date("2024-05-01T10:01:00Z"),
    requestId: "42",
    agentId: "ci-bot",
    sessionId: "session-1",
    upstream: "sagemaker",
    tool: "create_api_key",
    arguments: { name: "deploy" },
    decision: "require_approval",
    ruleId: "approve-credentials",
    reason: null,
    outcome: "ok",
    latencyMs: 60_000,
    upstreamLatencyMs: 12,
    approvalId: null,
    approvalStatus: "approved",
    reviewers: ["ops-admin"],
    approvalWaitMs: 59_000,
    shadowDecision: null,
    shadowRuleId: null,
    seq: "7",
    approval: null,
    timeline: [],
    ...overrides,
  };
}
