import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  canonicalDecisionContent,
  chainHash,
  decisionHash,
  genesisHash,
  type ChainedDecisionFields,
} from "../../../src/audit/chain.js";

const record: ChainedDecisionFields = {
  seq: 42n,
  id: "6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e",
  createdAt: new Date("2026-11-26T10:00:00.120Z"),
  requestId: "req-1",
  agentId: "ci-bot",
  sessionId: "session-1",
  upstream: "files",
  tool: "write_file",
  arguments: { path: "/tmp/a", options: { mode: "0644", append: false }, lines: [2, 1] },
  decision: "require_approval",
  ruleId: "writes",
  reason: "needs review",
  outcome: "ok",
  latencyMs: 12,
  upstreamLatencyMs: 7,
  approvalId: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
  approvalStatus: "approved",
  reviewers: ["Ann", "Bob"],
  approvalWaitMs: 41_250,
  shadowDecision: "deny",
  shadowRuleId: "shadow-writes",
};

describe("canonicalDecisionContent", () => {
  it("lists the fields in the documented order, with ISO dates, seq as text and sorted argument keys", () => {
    expect(canonicalDecisionContent(record)).toBe(
      '["42","6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e","2026-11-26T10:00:00.120Z","req-1","ci-bot",' +
        '"session-1","files","write_file",{"lines":[2,1],"options":{"append":false,"mode":"0644"},"path":"/tmp/a"},' +
        '"require_approval","writes","needs review","ok",12,7,"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",' +
        '"approved",["Ann","Bob"],41250,"deny","shadow-writes"]',
    );
  });

  it("does not depend on the order the arguments' keys were written in", () => {
    const reordered = {
      ...record,
      arguments: { lines: [2, 1], options: { append: false, mode: "0644" }, path: "/tmp/a" },
    };
    expect(canonicalDecisionContent(reordered)).toBe(canonicalDecisionContent(record));
  });

  it("reads UUIDs the way Postgres returns them (lower case)", () => {
    const upper = {
      ...record,
      id: record.id.toUpperCase(),
      approvalId: record.approvalId?.toUpperCase() ?? null,
    };
    expect(canonicalDecisionContent(upper)).toBe(canonicalDecisionContent(record));
  });

  it("writes a call without arguments as null and keeps empty values apart from missing ones", () => {
    const none = canonicalDecisionContent({ ...record, arguments: null });
    expect(none).toContain(',"write_file",null,"require_approval"');
    expect(canonicalDecisionContent({ ...record, arguments: {} })).not.toBe(none);
    expect(canonicalDecisionContent({ ...record, sessionId: "" })).not.toBe(
      canonicalDecisionContent({ ...record, sessionId: null }),
    );
  });
});

describe("chainHash", () => {
  it("is the SHA-256 hex of the predecessor hash, a newline and the content", () => {
    const expected = createHash("sha256").update(`${genesisHash}\nsome content`).digest("hex");
    expect(chainHash(genesisHash, "some content")).toBe(expected);
    expect(genesisHash).toBe("0".repeat(64));
  });

  it("changes with the predecessor hash", () => {
    expect(decisionHash("a".repeat(64), record)).not.toBe(decisionHash(genesisHash, record));
  });

  const changes: Record<keyof ChainedDecisionFields, Partial<ChainedDecisionFields>> = {
    seq: { seq: 43n },
    id: { id: "6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5f" },
    createdAt: { createdAt: new Date("2026-11-26T10:00:00.121Z") },
    requestId: { requestId: "req-2" },
    agentId: { agentId: "ops-bot" },
    sessionId: { sessionId: null },
    upstream: { upstream: "files2" },
    tool: { tool: "read_file" },
    arguments: { arguments: { path: "/tmp/b", options: { mode: "0644", append: false }, lines: [2, 1] } },
    decision: { decision: "allow" },
    ruleId: { ruleId: null },
    reason: { reason: "needs review." },
    outcome: { outcome: "error" },
    latencyMs: { latencyMs: 13 },
    upstreamLatencyMs: { upstreamLatencyMs: null },
    approvalId: { approvalId: null },
    approvalStatus: { approvalStatus: "denied" },
    reviewers: { reviewers: ["Bob", "Ann"] },
    approvalWaitMs: { approvalWaitMs: 41_251 },
    shadowDecision: { shadowDecision: null },
    shadowRuleId: { shadowRuleId: "other" },
  };

  for (const [field, change] of Object.entries(changes)) {
    it(`changes when ${field} changes`, () => {
      expect(decisionHash(genesisHash, { ...record, ...change })).not.toBe(decisionHash(genesisHash, record));
    });
  }

  it("changes when a value moves from one field to its neighbour", () => {
    const moved = { ...record, ruleId: "needs review", reason: "writes" };
    expect(decisionHash(genesisHash, moved)).not.toBe(decisionHash(genesisHash, record));
  });

  it("changes when a nested argument or array order changes", () => {
    const nested = { ...record, arguments: { ...(record.arguments as object), lines: [1, 2] } };
    expect(decisionHash(genesisHash, nested)).not.toBe(decisionHash(genesisHash, record));
  });
});
