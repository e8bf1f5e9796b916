import { describe, expect, it } from "vitest";
import { DEFAULT_APPROVAL, decide } from "../../../src/policy/index.js";
import type { ApprovalSpec, RateLimitSpec, RuleSpec } from "../../../src/policy/types.js";
import { callOf, policyOf } from "./fixtures.js";

const tenPerMinute: RateLimitSpec = { max: 10, windowMs: 60_000, per: "session" };

describe("decide: first match wins", () => {
  const rules: RuleSpec[] = [
    { id: "deny-deletes", tool: "delete_*", action: "deny" },
    { id: "allow-delete-temp", tool: "delete_temp", action: "allow" },
    { id: "allow-reads", tool: "read_*", action: "allow" },
    { id: "deny-read-secret", tool: "read_secret", action: "deny" },
  ];
  const policy = policyOf(rules);

  it.each([
    ["delete_temp", "deny-deletes", 0],
    ["delete_stack", "deny-deletes", 0],
    ["read_secret", "allow-reads", 2],
    ["read_file", "allow-reads", 2],
  ])("%s is decided by %s", (tool, ruleId, index) => {
    expect(decide(policy, callOf(tool)).rule).toEqual({ id: ruleId, index });
  });

  it("reaches a later rule when an earlier rule's condition fails", () => {
    const conditional = policyOf([
      { id: "deny-prod", tool: "deploy", action: "deny", when: { "args.env": { eq: "prod" } } },
      { id: "allow-deploy", tool: "deploy", action: "allow" },
    ]);
    expect(decide(conditional, callOf("deploy", { env: "prod" })).rule?.id).toBe("deny-prod");
    expect(decide(conditional, callOf("deploy", { env: "dev" })).rule?.id).toBe("allow-deploy");
    expect(decide(conditional, callOf("deploy")).rule?.id).toBe("allow-deploy");
  });
});

describe("decide: upstream and agent globs", () => {
  const policy = policyOf([
    { id: "aws-admin", tool: "*", upstream: "aws-*", agent: "admin-*", action: "allow" },
    { id: "aws-readonly", tool: "describe_*", upstream: "aws-*", action: "allow" },
    { id: "bot-github", tool: "*", upstream: "github", agent: "bot-{1,2}", action: "allow" },
  ]);

  it.each([
    [{ upstream: "aws-prod", agentId: "admin-alice" }, "delete_bucket", "aws-admin"],
    [{ upstream: "aws-prod", agentId: "intern" }, "describe_bucket", "aws-readonly"],
    [{ upstream: "aws-prod", agentId: "intern" }, "delete_bucket", undefined],
    [{ upstream: "gcp", agentId: "admin-alice" }, "delete_bucket", undefined],
    [{ upstream: "github", agentId: "bot-2" }, "merge", "bot-github"],
    [{ upstream: "github", agentId: "bot-3" }, "merge", undefined],
    [{ upstream: "github", agentId: "admin-alice" }, "merge", undefined],
  ])("%j calling %s is decided by %s", (who, tool, ruleId) => {
    expect(decide(policy, callOf(tool, {}, who)).rule?.id).toBe(ruleId);
  });
});

describe("decide: conditions", () => {
  const policy = policyOf([
    {
      id: "big-eu-writes",
      tool: "write_*",
      action: "require_approval",
      when: { "args.config.region": { regex: "^eu-" }, "args.items.0.size": { gt: 100 } },
    },
    {
      id: "by-agent",
      tool: "*",
      action: "deny",
      when: { agent: { in: ["untrusted"] }, tool: { ne: "ping" } },
    },
  ]);

  it.each([
    [{ config: { region: "eu-west-1" }, items: [{ size: 500 }] }, "agent-1", "big-eu-writes"],
    [{ config: { region: "us-east-1" }, items: [{ size: 500 }] }, "agent-1", undefined],
    [{ config: { region: "eu-west-1" }, items: [{ size: 50 }] }, "agent-1", undefined],
    [{ config: { region: "eu-west-1" }, items: [] }, "agent-1", undefined],
    [{ config: { region: "eu-west-1" }, items: [{ size: "500" }] }, "agent-1", undefined],
    [{ config: "eu-west-1", items: [{ size: 500 }] }, "agent-1", undefined],
    [{}, "untrusted", "by-agent"],
  ])("write_file with %j by %s is decided by %s", (args, agentId, ruleId) => {
    expect(decide(policy, callOf("write_file", args, { agentId })).rule?.id).toBe(ruleId);
  });

  it("checks the tool path in conditions", () => {
    expect(decide(policy, callOf("ping", {}, { agentId: "untrusted" })).rule).toBeUndefined();
  });
});

describe("decide: decisions", () => {
  it("allows with the rule's rate limit when it has one", () => {
    const policy = policyOf([
      { id: "plain", tool: "plain", action: "allow" },
      { id: "counted", tool: "counted", action: "allow", rateLimit: tenPerMinute },
    ]);
    expect(decide(policy, callOf("plain"))).toStrictEqual({
      action: "allow",
      rule: { id: "plain", index: 0 },
    });
    expect(decide(policy, callOf("counted"))).toStrictEqual({
      action: "allow",
      rule: { id: "counted", index: 1 },
      rateLimit: tenPerMinute,
    });
  });

  it("maps rate_limit to a counted allow", () => {
    const policy = policyOf([{ id: "throttle", tool: "*", action: "rate_limit", rateLimit: tenPerMinute }]);
    expect(decide(policy, callOf("anything"))).toStrictEqual({
      action: "allow",
      rule: { id: "throttle", index: 0 },
      rateLimit: tenPerMinute,
    });
  });

  it("denies with the rule's reason or a default naming the rule", () => {
    const policy = policyOf([
      { id: "explained", tool: "a", action: "deny", reason: "Not on Fridays" },
      { id: "terse", tool: "b", action: "deny" },
    ]);
    expect(decide(policy, callOf("a"))).toStrictEqual({
      action: "deny",
      rule: { id: "explained", index: 0 },
      reason: "Not on Fridays",
    });
    expect(decide(policy, callOf("b"))).toStrictEqual({
      action: "deny",
      rule: { id: "terse", index: 1 },
      reason: "Denied by policy rule terse",
    });
  });

  it("ignores a rate limit on a deny rule", () => {
    const policy = policyOf([{ id: "d", tool: "*", action: "deny", rateLimit: tenPerMinute }]);
    expect(decide(policy, callOf("x"))).not.toHaveProperty("rateLimit");
  });

  it("requires approval with the rule's approval block and rate limit", () => {
    const approval: ApprovalSpec = {
      channel: "C123",
      approvers: ["U1", "U2"],
      quorum: 2,
      timeoutMs: 300_000,
      onTimeout: "approve",
      requireReasonOnDeny: true,
    };
    const policy = policyOf([
      { id: "creds", tool: "*", action: "require_approval", approval, rateLimit: tenPerMinute },
    ]);
    expect(decide(policy, callOf("get_credentials"))).toStrictEqual({
      action: "require_approval",
      rule: { id: "creds", index: 0 },
      approval,
      rateLimit: tenPerMinute,
    });
  });

  it("requires approval with defaults when the rule has no approval block", () => {
    const policy = policyOf([{ id: "creds", tool: "*", action: "require_approval" }]);
    const decision = decide(policy, callOf("get_credentials"));
    expect(decision).toStrictEqual({
      action: "require_approval",
      rule: { id: "creds", index: 0 },
      approval: {
        approvers: [],
        quorum: 1,
        timeoutMs: 600_000,
        onTimeout: "deny",
        requireReasonOnDeny: false,
      },
    });
    expect(decision.action === "require_approval" && decision.approval).toBe(DEFAULT_APPROVAL);
  });
});

describe("decide: policy default", () => {
  const rules: RuleSpec[] = [{ id: "reads", tool: "read_*", action: "allow" }];

  it("denies with the default reason and no rule when the default is deny", () => {
    expect(decide(policyOf(rules, "deny"), callOf("write_file"))).toStrictEqual({
      action: "deny",
      reason: "No policy rule allows this call (default: deny)",
    });
  });

  it("allows with no rule when the default is allow", () => {
    expect(decide(policyOf(rules, "allow"), callOf("write_file"))).toStrictEqual({ action: "allow" });
  });

  it("applies the default to an empty rule list", () => {
    expect(decide(policyOf([], "allow"), callOf("x")).action).toBe("allow");
    expect(decide(policyOf([], "deny"), callOf("x")).action).toBe("deny");
  });
});
