import type { CompiledPolicy } from "./compile.js";
import { ruleTargets, type ToolTarget } from "./engine.js";

/**
 * Whether `tools/list` should drop a tool for this agent. Among the rules whose globs match,
 * the first one without conditions must be a `deny` with `hide: true`, and every conditional
 * rule before it must be a hiding deny too: a conditional rule of any other kind may let some
 * calls through, so the tool stays visible. With no unconditional match the tool is visible.
 * Shadow rules are skipped: they never change what agents see.
 */
export function isToolHidden(policy: CompiledPolicy, target: ToolTarget): boolean {
  for (const rule of policy.rules) {
    if (rule.shadow || !ruleTargets(rule, target)) continue;
    const hidingDeny = rule.spec.action === "deny" && rule.spec.hide === true;
    if (!hidingDeny) return false;
    if (rule.conditions.length === 0) return true;
  }
  return false;
}
