import { describe, expect, it } from "vitest";
import { explainDecision, formatDuration } from "../../../src/policy/index.js";
import type { Decision } from "../../../src/policy/types.js";

const approval = {
  approvers: [],
  quorum: 1,
  timeoutMs: 600_000,
  onTimeout: "deny",
  requireReasonOnDeny: false,
} as const;

describe("explainDecision", () => {
  it.each<[Decision, string]>([
    [
      { action: "deny", rule: { id: "no-deletes", index: 0 }, reason: "Deletion is disabled for agents" },
      "deny by rule no-deletes: Deletion is disabled for agents",
    ],
    [
      { action: "deny", reason: "No policy rule allows this call (default: deny)" },
      "deny by default: No policy rule allows this call (default: deny)",
    ],
    [
      {
        action: "allow",
        rule: { id: "throttle", index: 2 },
        rateLimit: { max: 10, windowMs: 60_000, per: "session" },
      },
      "allow by rule throttle (rate limit 10 per 60s per session)",
    ],
    [
      {
        action: "allow",
        rule: { id: "t", index: 0 },
        rateLimit: { max: 100, windowMs: 3_600_000, per: "agent" },
      },
      "allow by rule t (rate limit 100 per 60m per agent)",
    ],
    [
      { action: "allow", rule: { id: "t", index: 0 }, rateLimit: { max: 5, windowMs: 1_000, per: "global" } },
      "allow by rule t (rate limit 5 per 1s globally)",
    ],
    [{ action: "allow", rule: { id: "reads", index: 1 } }, "allow by rule reads"],
    [{ action: "allow" }, "allow by default"],
    [
      { action: "require_approval", rule: { id: "approve-credentials", index: 3 }, approval },
      "require_approval by rule approve-credentials (quorum 1, timeout 10m, on timeout deny)",
    ],
    [
      {
        action: "require_approval",
        rule: { id: "a", index: 0 },
        approval: { ...approval, quorum: 2, timeoutMs: 7_200_000, onTimeout: "approve" },
        rateLimit: { max: 3, windowMs: 86_400_000, per: "agent" },
      },
      "require_approval by rule a (quorum 2, timeout 2h, on timeout approve; rate limit 3 per 24h per agent)",
    ],
  ])("%j", (decision, expected) => {
    expect(explainDecision(decision)).toBe(expected);
  });
});

describe("formatDuration", () => {
  it.each([
    [250, "250ms"],
    [1_500, "1500ms"],
    [1_000, "1s"],
    [60_000, "60s"],
    [90_000, "90s"],
    [120_000, "2m"],
    [150_000, "150s"],
    [600_000, "10m"],
    [3_600_000, "60m"],
    [5_400_000, "90m"],
    [7_200_000, "2h"],
    [0, "0s"],
  ])("%d ms is %s", (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });
});
