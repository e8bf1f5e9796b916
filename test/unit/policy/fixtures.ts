import { compilePolicy, type CompiledPolicy } from "../../../src/policy/index.js";
import type { PolicySpec, RuleSpec, ToolCall } from "../../../src/policy/types.js";

/** A call to `tool` on upstream `main` by agent `agent-1`, with the given arguments. */
export function callOf(
  tool: string,
  args: Record<string, unknown> = {},
  overrides: Partial<ToolCall> = {},
): ToolCall {
  return { upstream: "main", agentId: "agent-1", tool, args, ...overrides };
}

export function policyOf(
  rules: readonly RuleSpec[],
  fallback: PolicySpec["default"] = "deny",
): CompiledPolicy {
  return compilePolicy({ default: fallback, rules });
}
