import { allConditionsHold } from "./conditions.js";
import type { CompiledPolicy, CompiledRule } from "./compile.js";
import type { Decision, ToolCall } from "./types.js";

/** The names a rule's globs are matched against. */
export type ToolTarget = Pick<ToolCall, "upstream" | "tool" | "agentId">;

/**
 * Decides one call: the first rule that matches wins, however specific a later rule is;
 * when none matches, the policy default decides. Decisions are prepared at compile time,
 * so this only walks rules and evaluates their conditions.
 */
export function decide(policy: CompiledPolicy, call: ToolCall): Decision {
  for (const rule of policy.rules) {
    if (ruleMatches(rule, call)) return rule.decision;
  }
  return policy.defaultDecision;
}

/** Whether the rule's globs match the call and all of its `when` conditions hold. */
export function ruleMatches(rule: CompiledRule, call: ToolCall): boolean {
  return ruleTargets(rule, call) && allConditionsHold(rule.conditions, call);
}

/** Whether the rule's tool, upstream and agent globs match, conditions aside. */
export function ruleTargets(rule: CompiledRule, target: ToolTarget): boolean {
  return (
    rule.matchesTool(target.tool) &&
    rule.matchesUpstream(target.upstream) &&
    rule.matchesAgent(target.agentId)
  );
}
