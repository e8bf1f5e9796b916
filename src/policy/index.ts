export { compilePolicy } from "./compile.js";
export type { CompiledPolicy, CompiledRule } from "./compile.js";
export { compileCondition, compilePath, evaluateCondition, resolvePath } from "./conditions.js";
export type { CompiledCondition, ValueResolver, ValueTest } from "./conditions.js";
export { DEFAULT_APPROVAL, DEFAULT_DENY_REASON, policyActionOf } from "./decisions.js";
export { deepEqual } from "./deep-equal.js";
export { decide, evaluate, ruleMatches } from "./engine.js";
export type { Evaluation, ShadowDecision, ToolTarget } from "./engine.js";
export { explainDecision, formatDuration } from "./explain.js";
export { compileGlob } from "./glob.js";
export type { NameMatcher } from "./glob.js";
export { isToolHidden } from "./visibility.js";
export type {
  ApprovalSpec,
  ConditionSpec,
  Decision,
  PolicyAction,
  PolicyMode,
  PolicySpec,
  RateLimitScope,
  RateLimitSpec,
  RuleRef,
  RuleSpec,
  ToolCall,
} from "./types.js";
