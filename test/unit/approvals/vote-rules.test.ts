import { describe, expect, it } from "vitest";
import type { ApprovalRequest, ApprovalVote, VoteInput } from "../../../src/approvals/types.js";
import {
  checkVote,
  normalizedReason,
  timeoutVerdict,
  verdictAfterVote,
} from "../../../src/approvals/vote-rules.js";
import { approvalRequestFixture } from "../../support/approval-request.js";

const now = new Date("2026-11-26T12:00:00.000Z");

function request(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return approvalRequestFixture({
    createdAt: new Date("2026-11-26T11:59:00.000Z"),
    expiresAt: new Date("2026-11-26T12:05:00.000Z"),
    agentId: "ci-bot",
    sessionId: null,
    upstream: "sagemaker",
    tool: "delete_endpoint",
    arguments: { name: "prod" },
    ruleId: "prod-deletes",
    ...overrides,
  });
}

function vote(overrides: Partial<VoteInput> = {}): VoteInput {
  return {
    approvalId: "5a4f7b8e-2f0c-4d1e-9a51-3c2b1a0f9e8d",
    reviewerId: "U1",
    reviewerName: "Ann",
    channel: "slack",
    vote: "approve",
    reason: null,
    operator: false,
    ...overrides,
  };
}

function castVote(reviewerId: string, choice: "approve" | "deny" = "approve"): ApprovalVote {
  return {
    reviewerId,
    reviewerName: reviewerId,
    channel: "slack",
    vote: choice,
    reason: null,
    createdAt: now,
  };
}

describe("checkVote", () => {
  it("records a vote on a pending request", () => {
    expect(checkVote(request(), vote(), now)).toEqual({ kind: "record" });
  });

  it("refuses a decided request before looking at anything else", () => {
    const decided = request({ status: "approved", approvers: ["U9"], expiresAt: now });
    expect(checkVote(decided, vote(), now)).toEqual({ kind: "already_decided" });
  });

  it("expires a pending request at its expiry time, even for someone not allowed to vote", () => {
    expect(checkVote(request({ expiresAt: now, approvers: ["U9"] }), vote(), now)).toEqual({
      kind: "expire",
    });
    const justBefore = new Date(now.getTime() + 1);
    expect(checkVote(request({ expiresAt: justBefore }), vote(), now)).toEqual({ kind: "record" });
  });

  it("lets only the listed approvers vote, unless the voter is an operator", () => {
    const restricted = request({ approvers: ["U2", "U3"] });
    expect(checkVote(restricted, vote({ reviewerId: "U1" }), now)).toEqual({ kind: "not_authorized" });
    expect(checkVote(restricted, vote({ reviewerId: "U3" }), now)).toEqual({ kind: "record" });
    expect(checkVote(restricted, vote({ reviewerId: "U1", operator: true }), now)).toEqual({
      kind: "record",
    });
  });

  it("requires a non-blank reason to deny when the rule says so", () => {
    const strict = request({ requireReasonOnDeny: true });
    for (const reason of [null, "", "   \n"]) {
      expect(checkVote(strict, vote({ vote: "deny", reason }), now)).toEqual({ kind: "reason_required" });
    }
    expect(checkVote(strict, vote({ vote: "deny", reason: "too risky" }), now)).toEqual({ kind: "record" });
    expect(checkVote(strict, vote({ vote: "approve" }), now)).toEqual({ kind: "record" });
    expect(checkVote(request(), vote({ vote: "deny" }), now)).toEqual({ kind: "record" });
  });

  it("refuses a second vote of the same reviewer", () => {
    const voted = request({ quorum: 2, votes: [castVote("U1")] });
    expect(checkVote(voted, vote({ reviewerId: "U1", vote: "deny" }), now)).toEqual({
      kind: "already_voted",
    });
    expect(checkVote(voted, vote({ reviewerId: "U2" }), now)).toEqual({ kind: "record" });
  });
});

describe("verdictAfterVote", () => {
  it("decides on the first deny, whatever the quorum", () => {
    const verdict = verdictAfterVote(request({ quorum: 3 }), vote({ vote: "deny", reason: " no " }));
    expect(verdict).toEqual({ status: "denied", decidedBy: "Ann", decisionReason: "no" });
  });

  it("approves once the approvals reach the quorum, naming the deciding reviewer", () => {
    const quorumTwo = request({ quorum: 2 });
    expect(verdictAfterVote(quorumTwo, vote())).toBeUndefined();
    const withOne = request({ quorum: 2, votes: [castVote("U2")] });
    expect(verdictAfterVote(withOne, vote({ reason: "ok" }))).toEqual({
      status: "approved",
      decidedBy: "Ann",
      decisionReason: "ok",
    });
  });

  it("does not count earlier denies as approvals", () => {
    const withDeny = request({ quorum: 2, votes: [castVote("U2", "deny")] });
    expect(verdictAfterVote(withDeny, vote())).toBeUndefined();
  });
});

describe("timeoutVerdict", () => {
  it("expires or approves per on_timeout, decided by the timeout", () => {
    expect(timeoutVerdict(request({ onTimeout: "deny" }))).toEqual({
      status: "expired",
      decidedBy: "timeout",
      decisionReason: null,
    });
    expect(timeoutVerdict(request({ onTimeout: "approve" }))).toEqual({
      status: "approved",
      decidedBy: "timeout",
      decisionReason: null,
    });
  });
});

describe("normalizedReason", () => {
  it("trims, and makes a blank reason none", () => {
    expect(normalizedReason("  because  ")).toBe("because");
    expect(normalizedReason(" \t")).toBeNull();
    expect(normalizedReason(null)).toBeNull();
  });
});
