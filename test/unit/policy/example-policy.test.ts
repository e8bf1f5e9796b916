import { describe, expect, it } from "vitest";
import { compilePolicy, decide, explainDecision, isToolHidden } from "../../../src/policy/index.js";
import type { PolicySpec } from "../../../src/policy/types.js";
import { callOf } from "./fixtures.js";

/** The example policy from the project's issue: hide deletes, guard stack deletion, throttle the rest. */
const examplePolicy: PolicySpec = {
  default: "deny",
  rules: [
    {
      id: "no-deletes",
      tool: "delete_*",
      action: "deny",
      reason: "Deletion is disabled for agents",
      hide: true,
    },
    {
      id: "stacks-delete",
      tool: "manage_hyperpod_stacks",
      action: "deny",
      when: { "args.operation": { in: ["delete", "batch_delete"] } },
    },
    {
      id: "throttle",
      tool: "*",
      action: "rate_limit",
      rateLimit: { max: 10, windowMs: 60_000, per: "session" },
    },
  ],
};
const policy = compilePolicy(examplePolicy);

describe("the example policy", () => {
  it.each([
    ["delete_cluster", {}, "deny by rule no-deletes: Deletion is disabled for agents"],
    ["delete_", {}, "deny by rule no-deletes: Deletion is disabled for agents"],
    [
      "manage_hyperpod_stacks",
      { operation: "delete" },
      "deny by rule stacks-delete: Denied by policy rule stacks-delete",
    ],
    [
      "manage_hyperpod_stacks",
      { operation: "batch_delete" },
      "deny by rule stacks-delete: Denied by policy rule stacks-delete",
    ],
    [
      "manage_hyperpod_stacks",
      { operation: "describe" },
      "allow by rule throttle (rate limit 10 per 60s per session)",
    ],
    [
      "manage_hyperpod_stacks",
      { operation: ["delete"] },
      "allow by rule throttle (rate limit 10 per 60s per session)",
    ],
    ["manage_hyperpod_stacks", {}, "allow by rule throttle (rate limit 10 per 60s per session)"],
    ["list_clusters", {}, "allow by rule throttle (rate limit 10 per 60s per session)"],
    ["undelete_cluster", {}, "allow by rule throttle (rate limit 10 per 60s per session)"],
  ])("%s with %j: %s", (tool, args, explanation) => {
    expect(explainDecision(decide(policy, callOf(tool, args)))).toBe(explanation);
  });

  it("gives the throttled allow its rate limit", () => {
    expect(decide(policy, callOf("list_clusters"))).toStrictEqual({
      action: "allow",
      rule: { id: "throttle", index: 2 },
      rateLimit: { max: 10, windowMs: 60_000, per: "session" },
    });
  });

  it.each([
    ["delete_cluster", true],
    ["manage_hyperpod_stacks", false],
    ["list_clusters", false],
  ])("%s hidden from tools/list: %s", (tool, hidden) => {
    expect(isToolHidden(policy, { upstream: "hyperpod", tool, agentId: "agent-1" })).toBe(hidden);
  });
});
