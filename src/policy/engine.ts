import { allConditionsHold } from "./conditions.js";
import type { CompiledPolicy, CompiledRule } from "./compile.js";
import { policyActionOf } from "./decisions.js";
import type { Decision, ToolCall } from "./types.js";

/** The names a rule's globs are matched against. */
export type ToolTarget = Pick<ToolCall, "upstream" | "tool" | "agentId">;

/** What a shadow rule (or the shadowed default) would have decided instead of the enforced decision. */
export interface ShadowDecision {
  readonly decision: Decision;
  /** The shadow rule's id; null when the policy default in shadow mode would have decided. */
  readonly ruleId: string | null;
}

export interface Evaluation {
  /** What the gateway enforces. */
  readonly decision: Decision;
  /** Present only when enforcing the shadow rules would have changed the action. */
  readonly shadow?: ShadowDecision;
}

/** What an unmatched call gets when `policy.mode` is `shadow`: the default is only recorded. */
const ALLOW_WHILE_DEFAULT_IS_SHADOWED: Decision = Object.freeze({ action: "allow" });

/**
 * Decides one call with shadow rules taken into account.
 *
 * `decision` is what the first matching enforced rule decides; when no enforced rule matches,
 * the policy default decides, except in `policy.mode: shadow`, where the call is allowed.
 *
 * `shadow` is what the policy would decide if every shadow rule (and a shadowed default) were
 * enforced: the first matching shadow rule placed before the enforcing rule, or the shadowed
 * default when nothing enforced matched. It is reported only when its action (`allow`, `deny`,
 * `rate_limit`, `require_approval`) differs from the enforced one; a shadow rule that would
 * decide the same, or that comes after the enforcing rule, changes nothing and is not reported.
 */
export function evaluate(policy: CompiledPolicy, call: ToolCall): Evaluation {
  let shadowMatch: CompiledRule | undefined;
  for (const rule of policy.rules) {
    // Only the first matching shadow rule counts; later ones would never be reached.
    if (rule.shadow && shadowMatch) continue;
    if (!ruleMatches(rule, call)) continue;
    if (!rule.shadow) return withShadow(rule.decision, shadowMatch?.decision);
    shadowMatch = rule;
  }
  if (!policy.shadowDefault) return withShadow(policy.defaultDecision, shadowMatch?.decision);
  return withShadow(ALLOW_WHILE_DEFAULT_IS_SHADOWED, shadowMatch?.decision ?? policy.defaultDecision);
}

/**
 * Decides one call: the first enforced rule that matches wins, however specific a later rule
 * is; when none matches, the policy default decides. Shadow rules never change this; see
 * {@link evaluate} for what they would have decided. Decisions are prepared at compile time,
 * so this only walks rules and evaluates their conditions.
 */
export function decide(policy: CompiledPolicy, call: ToolCall): Decision {
  return evaluate(policy, call).decision;
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

function withShadow(enforced: Decision, shadowed: Decision | undefined): Evaluation {
  if (!shadowed || policyActionOf(shadowed) === policyActionOf(enforced)) return { decision: enforced };
  return { decision: enforced, shadow: { decision: shadowed, ruleId: shadowed.rule?.id ?? null } };
}
