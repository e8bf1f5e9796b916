import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../src/errors.js";
import { compilePolicy } from "../../../src/policy/index.js";
import type { PolicySpec, RuleSpec } from "../../../src/policy/types.js";

function compileError(spec: PolicySpec): GatewayError {
  try {
    compilePolicy(spec);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("compilePolicy did not throw");
}

const okRule: RuleSpec = { id: "ok", tool: "*", action: "allow" };

/** Puts `rule` third, so messages must name index 2. */
function withThirdRule(rule: unknown): PolicySpec {
  return { default: "deny", rules: [okRule, okRule, rule as RuleSpec] };
}

describe("compilePolicy errors", () => {
  it.each<[string, unknown, RegExp]>([
    [
      "invalid regex",
      { id: "r", tool: "*", action: "deny", when: { "args.name": { regex: "(unclosed" } } },
      /^policy\.rules\[2\]\.when\["args\.name"\]\.regex: invalid regular expression "\(unclosed" \(.+\)$/,
    ],
    [
      "empty tool glob",
      { id: "r", tool: "", action: "deny" },
      /^policy\.rules\[2\]\.tool: glob must not be empty$/,
    ],
    [
      "empty upstream glob",
      { id: "r", tool: "*", upstream: "", action: "deny" },
      /^policy\.rules\[2\]\.upstream: glob must not be empty$/,
    ],
    [
      "empty agent glob",
      { id: "r", tool: "*", agent: " ", action: "deny" },
      /^policy\.rules\[2\]\.agent: glob must not be empty$/,
    ],
    ["missing tool", { id: "r", action: "deny" }, /^policy\.rules\[2\]\.tool: expected a glob string$/],
    ["missing id", { tool: "*", action: "deny" }, /^policy\.rules\[2\]\.id: expected a non-empty string$/],
    [
      "unknown operator",
      { id: "r", tool: "*", action: "deny", when: { "args.x": { equals: 1 } } },
      /^policy\.rules\[2\]\.when\["args\.x"\]\.equals: unknown operator \(expected one of eq, ne, in, not_in, lt, lte, gt, gte, regex, exists\)$/,
    ],
    [
      "in without a list",
      { id: "r", tool: "*", action: "deny", when: { "args.x": { in: "delete" } } },
      /^policy\.rules\[2\]\.when\["args\.x"\]\.in: expected a list of values$/,
    ],
    [
      "not_in without a list",
      { id: "r", tool: "*", action: "deny", when: { "args.x": { not_in: 1 } } },
      /^policy\.rules\[2\]\.when\["args\.x"\]\.not_in: expected a list of values$/,
    ],
    [
      "ordering against an object",
      { id: "r", tool: "*", action: "deny", when: { "args.x": { gte: { a: 1 } } } },
      /^policy\.rules\[2\]\.when\["args\.x"\]\.gte: expected a number or a string$/,
    ],
    [
      "regex not a string",
      { id: "r", tool: "*", action: "deny", when: { "args.x": { regex: 5 } } },
      /^policy\.rules\[2\]\.when\["args\.x"\]\.regex: expected a string$/,
    ],
    [
      "exists not a boolean",
      { id: "r", tool: "*", action: "deny", when: { "args.x": { exists: "yes" } } },
      /^policy\.rules\[2\]\.when\["args\.x"\]\.exists: expected true or false$/,
    ],
    [
      "condition not a map",
      { id: "r", tool: "*", action: "deny", when: { "args.x": "delete" } },
      /^policy\.rules\[2\]\.when\["args\.x"\]: condition must be a map of operators$/,
    ],
    [
      "bad path",
      { id: "r", tool: "*", action: "deny", when: { "arguments.x": { eq: 1 } } },
      /^policy\.rules\[2\]\.when\["arguments\.x"\]: path must be/,
    ],
    [
      "when not a map",
      { id: "r", tool: "*", action: "deny", when: ["args.x"] },
      /^policy\.rules\[2\]\.when: expected a map of paths to conditions$/,
    ],
    [
      "rate_limit without rateLimit",
      { id: "r", tool: "*", action: "rate_limit" },
      /^policy\.rules\[2\]\.rateLimit: required for action rate_limit$/,
    ],
    [
      "unknown action",
      { id: "r", tool: "*", action: "block" },
      /^policy\.rules\[2\]\.action: unknown action "block"/,
    ],
  ])("%s", (_label, rule, message) => {
    const error = compileError(withThirdRule(rule));
    expect(error.code).toBe("POLICY_INVALID");
    expect(error.message).toMatch(message);
  });

  it("keeps the regex syntax error as the cause", () => {
    const error = compileError(
      withThirdRule({ id: "r", tool: "*", action: "deny", when: { "args.n": { regex: "[" } } }),
    );
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it("names an unknown default", () => {
    const error = compileError({ default: "maybe" as "deny", rules: [] });
    expect(error.message).toMatch(/^policy\.default: unknown default "maybe"/);
  });

  it("rejects rules that are not a list", () => {
    const error = compileError({ default: "deny", rules: {} as readonly RuleSpec[] });
    expect(error.message).toBe("policy.rules: expected a list of rules");
  });
});

describe("compilePolicy result", () => {
  it("compiles every rule with its position", () => {
    const policy = compilePolicy({ default: "allow", rules: [okRule, { ...okRule, id: "second" }] });
    expect(policy.rules.map((rule) => rule.ref)).toEqual([
      { id: "ok", index: 0 },
      { id: "second", index: 1 },
    ]);
  });

  it("accepts an empty rule list", () => {
    expect(compilePolicy({ default: "deny", rules: [] }).rules).toEqual([]);
  });

  it("freezes prepared decisions so a caller cannot alter later decisions", () => {
    const policy = compilePolicy({
      default: "deny",
      rules: [{ id: "d", tool: "*", action: "deny", reason: "no" }],
    });
    const decision = policy.rules[0]?.decision;
    expect(Object.isFrozen(decision)).toBe(true);
    expect(Object.isFrozen(policy.defaultDecision)).toBe(true);
  });

  it("does not freeze the spec it was given", () => {
    const approval = {
      approvers: ["U1"],
      quorum: 1,
      timeoutMs: 1000,
      onTimeout: "deny",
      requireReasonOnDeny: false,
    } as const;
    const rule: RuleSpec = { id: "a", tool: "*", action: "require_approval", approval };
    compilePolicy({ default: "deny", rules: [rule] });
    expect(Object.isFrozen(rule)).toBe(false);
    expect(Object.isFrozen(approval.approvers)).toBe(false);
  });
});
