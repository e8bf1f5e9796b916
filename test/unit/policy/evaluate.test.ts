import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compilePolicy, decide, evaluate, isToolHidden, policyActionOf } from "../../../src/policy/index.js";
import type { PolicyAction, PolicySpec, RuleSpec } from "../../../src/policy/types.js";
import { callOf } from "./fixtures.js";

const perMinute = { max: 5, windowMs: 60_000, per: "session" } as const;

function policy(rules: readonly RuleSpec[], extra: Partial<PolicySpec> = {}) {
  return compilePolicy({ default: "allow", rules, ...extra });
}

describe("evaluate: shadow rules", () => {
  it("reports no shadow when the policy has no shadow rules", () => {
    const compiled = policy([{ id: "no-deletes", tool: "delete_*", action: "deny" }]);
    const evaluation = evaluate(compiled, callOf("delete_stack"));
    expect(evaluation.decision.action).toBe("deny");
    expect(evaluation.shadow).toBeUndefined();
  });

  it("enforces the next enforced rule and reports the shadow rule before it", () => {
    const compiled = policy([
      { id: "trial-deny", tool: "delete_*", action: "deny", mode: "shadow" },
      { id: "allow-deletes", tool: "delete_*", action: "allow" },
    ]);
    const evaluation = evaluate(compiled, callOf("delete_stack"));
    expect(evaluation.decision).toEqual({ action: "allow", rule: { id: "allow-deletes", index: 1 } });
    expect(evaluation.shadow?.ruleId).toBe("trial-deny");
    expect(evaluation.shadow?.decision.action).toBe("deny");
  });

  it("falls back to the default when only shadow rules match", () => {
    const compiled = policy([{ id: "trial-deny", tool: "delete_*", action: "deny", mode: "shadow" }]);
    const evaluation = evaluate(compiled, callOf("delete_stack"));
    expect(evaluation.decision).toEqual({ action: "allow" });
    expect(evaluation.shadow).toEqual({
      decision: {
        action: "deny",
        rule: { id: "trial-deny", index: 0 },
        reason: "Denied by policy rule trial-deny",
      },
      ruleId: "trial-deny",
    });
  });

  it("reports nothing when the shadow rule would decide the same action", () => {
    const compiled = policy(
      [{ id: "trial-deny", tool: "delete_*", action: "deny", reason: "trial", mode: "shadow" }],
      { default: "deny" },
    );
    const evaluation = evaluate(compiled, callOf("delete_stack"));
    expect(evaluation.decision.action).toBe("deny");
    expect(evaluation.decision.rule).toBeUndefined();
    expect(evaluation.shadow).toBeUndefined();
  });

  it("ignores a shadow rule placed after the enforcing rule", () => {
    const compiled = policy([
      { id: "allow-all", tool: "*", action: "allow" },
      { id: "trial-deny", tool: "delete_*", action: "deny", mode: "shadow" },
    ]);
    expect(evaluate(compiled, callOf("delete_stack")).shadow).toBeUndefined();
  });

  it("ignores a shadow rule whose conditions fail", () => {
    const compiled = policy([
      { id: "trial", tool: "deploy", action: "deny", mode: "shadow", when: { "args.env": { eq: "prod" } } },
    ]);
    expect(evaluate(compiled, callOf("deploy", { env: "dev" })).shadow).toBeUndefined();
    expect(evaluate(compiled, callOf("deploy", { env: "prod" })).shadow?.ruleId).toBe("trial");
  });

  it("counts only the first matching shadow rule, even when it agrees with the enforced decision", () => {
    const compiled = policy([
      { id: "trial-allow", tool: "delete_*", action: "allow", mode: "shadow" },
      { id: "trial-deny", tool: "delete_*", action: "deny", mode: "shadow" },
    ]);
    expect(evaluate(compiled, callOf("delete_stack")).shadow).toBeUndefined();
  });

  it("tells a shadow rate limit from a plain allow", () => {
    const compiled = policy([
      { id: "trial-throttle", tool: "*", action: "rate_limit", rateLimit: perMinute, mode: "shadow" },
    ]);
    const evaluation = evaluate(compiled, callOf("describe"));
    expect(evaluation.decision).toEqual({ action: "allow" });
    expect(evaluation.shadow?.ruleId).toBe("trial-throttle");
    expect(policyActionOf(evaluation.shadow?.decision ?? evaluation.decision)).toBe("rate_limit");
  });

  it("reports a shadow approval rule without holding the call", () => {
    const compiled = policy([
      { id: "trial-approval", tool: "create_*", action: "require_approval", mode: "shadow" },
    ]);
    const evaluation = evaluate(compiled, callOf("create_key"));
    expect(evaluation.decision.action).toBe("allow");
    expect(evaluation.shadow?.decision.action).toBe("require_approval");
  });

  it("leaves decide() returning only the enforced decision", () => {
    const compiled = policy([
      { id: "trial-deny", tool: "*", action: "deny", mode: "shadow" },
      { id: "approve", tool: "create_*", action: "require_approval" },
    ]);
    expect(decide(compiled, callOf("create_key")).rule?.id).toBe("approve");
    expect(decide(compiled, callOf("read_key"))).toEqual({ action: "allow" });
  });
});

describe("evaluate: policy.mode shadow", () => {
  it("allows an unmatched call and reports the shadowed default deny without a rule", () => {
    const compiled = policy([], { default: "deny", mode: "shadow" });
    const evaluation = evaluate(compiled, callOf("anything"));
    expect(evaluation.decision).toEqual({ action: "allow" });
    expect(evaluation.shadow?.ruleId).toBeNull();
    expect(evaluation.shadow?.decision.action).toBe("deny");
  });

  it("reports nothing for an unmatched call when the default allows", () => {
    const compiled = policy([], { default: "allow", mode: "shadow" });
    expect(evaluate(compiled, callOf("anything"))).toEqual({ decision: { action: "allow" } });
  });

  it("puts every rule in shadow mode unless a rule says enforce", () => {
    const compiled = policy(
      [
        { id: "no-deletes", tool: "delete_*", action: "deny" },
        { id: "enforced-approval", tool: "create_*", action: "require_approval", mode: "enforce" },
      ],
      { default: "deny", mode: "shadow" },
    );
    const deletion = evaluate(compiled, callOf("delete_stack"));
    expect(deletion.decision.action).toBe("allow");
    expect(deletion.shadow?.ruleId).toBe("no-deletes");
    const creation = evaluate(compiled, callOf("create_key"));
    expect(creation.decision.rule?.id).toBe("enforced-approval");
    expect(creation.shadow).toBeUndefined();
  });
});

describe("shadow rules and tools/list", () => {
  const target = { upstream: "main", tool: "delete_stack", agentId: "agent-1" };

  it("a shadow hiding deny hides nothing, and an enforced one behind it still hides", () => {
    const shadowHide: RuleSpec = {
      id: "trial-hide",
      tool: "delete_*",
      action: "deny",
      hide: true,
      mode: "shadow",
    };
    expect(isToolHidden(policy([shadowHide]), target)).toBe(false);
    const enforcedHide: RuleSpec = { id: "hide", tool: "delete_*", action: "deny", hide: true };
    expect(isToolHidden(policy([shadowHide, enforcedHide]), target)).toBe(true);
    expect(isToolHidden(policy([enforcedHide], { mode: "shadow" }), target)).toBe(false);
  });
});

describe("compilePolicy: modes", () => {
  it("rejects an unknown rule mode naming the key path", () => {
    const rules = [{ id: "r", tool: "*", action: "deny", mode: "dry-run" }] as unknown as RuleSpec[];
    expect(() => policy(rules)).toThrow(/^policy\.rules\[0\]\.mode: unknown mode "dry-run"/);
  });

  it("rejects an unknown policy mode", () => {
    expect(() => policy([], { mode: "off" as PolicySpec["mode"] })).toThrow(
      /^policy\.mode: unknown mode "off"/,
    );
  });
});

describe("evaluate: agrees with enforcing or dropping the shadow rules", () => {
  const tools = ["read", "delete", "create"] as const;
  const actions: PolicyAction[] = ["allow", "deny", "rate_limit", "require_approval"];
  const ruleArbitrary = fc.record({
    tool: fc.constantFrom("*", ...tools),
    action: fc.constantFrom(...actions),
    mode: fc.constantFrom<"enforce" | "shadow" | undefined>("enforce", "shadow", undefined),
  });
  const policyArbitrary = fc.record({
    rules: fc.array(ruleArbitrary, { maxLength: 6 }),
    default: fc.constantFrom<"allow" | "deny">("allow", "deny"),
    mode: fc.constantFrom<"enforce" | "shadow">("enforce", "shadow"),
  });

  function toRules(
    generated: { tool: string; action: PolicyAction; mode?: "enforce" | "shadow" }[],
  ): RuleSpec[] {
    return generated.map((rule, index) => ({
      id: `r${index}`,
      tool: rule.tool,
      action: rule.action,
      ...(rule.action === "rate_limit" && { rateLimit: perMinute }),
      ...(rule.mode && { mode: rule.mode }),
    }));
  }

  it("decision = the policy without its shadow rules; shadow = the policy with them all enforced", () => {
    fc.assert(
      fc.property(policyArbitrary, fc.constantFrom(...tools), (generated, tool) => {
        const rules = toRules(generated.rules);
        const spec: PolicySpec = { default: generated.default, mode: generated.mode, rules };
        const compiled = compilePolicy(spec);
        const call = callOf(tool);
        const evaluation = evaluate(compiled, call);

        const enforcedOnly = compilePolicy({
          default: generated.mode === "shadow" ? "allow" : generated.default,
          rules: rules.filter((_, index) => !compiled.rules[index]?.shadow),
        });
        expect(policyActionOf(evaluation.decision)).toBe(policyActionOf(decide(enforcedOnly, call)));

        const allEnforced = compilePolicy({
          default: generated.default,
          rules: rules.map((rule) => ({ ...rule, mode: "enforce" })),
        });
        const wouldDecide = policyActionOf(decide(allEnforced, call));
        expect(policyActionOf(evaluation.shadow?.decision ?? evaluation.decision)).toBe(wouldDecide);
        if (evaluation.shadow) {
          expect(policyActionOf(evaluation.shadow.decision)).not.toBe(policyActionOf(evaluation.decision));
        }
      }),
      { numRuns: 500 },
    );
  });
});
