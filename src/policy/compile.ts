import { ErrorCode, GatewayError } from "../errors.js";
import { compileWhen, type CompiledCondition } from "./conditions.js";
import { decisionForDefault, decisionForRule } from "./decisions.js";
import { compileGlob, type NameMatcher } from "./glob.js";
import type { Decision, PolicyMode, PolicySpec, RuleRef, RuleSpec } from "./types.js";

export interface CompiledRule {
  readonly ref: RuleRef;
  readonly spec: RuleSpec;
  readonly matchesTool: NameMatcher;
  /** Matches every upstream when the rule names none. */
  readonly matchesUpstream: NameMatcher;
  /** Matches every agent when the rule names none. */
  readonly matchesAgent: NameMatcher;
  readonly conditions: readonly CompiledCondition[];
  /** What the rule decides whenever it matches. */
  readonly decision: Decision;
  /** A shadow rule is only recorded, never enforced (its own `mode`, else the policy's). */
  readonly shadow: boolean;
}

/** A policy with every glob, regex and decision prepared, ready for {@link decide}. */
export interface CompiledPolicy {
  readonly spec: PolicySpec;
  readonly rules: readonly CompiledRule[];
  readonly defaultDecision: Decision;
  /** `policy.mode: shadow`: the default is recorded but not enforced, and unmatched calls are allowed. */
  readonly shadowDefault: boolean;
}

const POLICY_KEY = "policy";

const matchesAnyName: NameMatcher = () => true;

/**
 * Compiles a policy once so that deciding a call does no parsing. Throws `POLICY_INVALID`
 * whose message starts with the offending key path, e.g.
 * `policy.rules[2].when["args.name"].regex: invalid regular expression …`.
 */
export function compilePolicy(spec: PolicySpec): CompiledPolicy {
  if (!Array.isArray(spec.rules)) {
    throw new GatewayError(ErrorCode.PolicyInvalid, `${POLICY_KEY}.rules: expected a list of rules`);
  }
  const policyMode = requireMode(spec.mode ?? "enforce", `${POLICY_KEY}.mode`);
  return Object.freeze({
    spec,
    rules: Object.freeze(spec.rules.map((rule, index) => compileRule(rule, index, policyMode))),
    defaultDecision: decisionForDefault(spec.default, `${POLICY_KEY}.default`),
    shadowDefault: policyMode === "shadow",
  });
}

function compileRule(rule: RuleSpec, index: number, policyMode: PolicyMode): CompiledRule {
  const keyPath = `${POLICY_KEY}.rules[${index}]`;
  if (typeof rule.id !== "string" || rule.id === "") {
    throw new GatewayError(ErrorCode.PolicyInvalid, `${keyPath}.id: expected a non-empty string`);
  }
  const ref: RuleRef = Object.freeze({ id: rule.id, index });
  return Object.freeze({
    ref,
    spec: rule,
    matchesTool: compileGlob(requireGlob(rule.tool, `${keyPath}.tool`), `${keyPath}.tool`),
    matchesUpstream: compileOptionalGlob(rule.upstream, `${keyPath}.upstream`),
    matchesAgent: compileOptionalGlob(rule.agent, `${keyPath}.agent`),
    conditions: Object.freeze(compileWhen(rule.when, `${keyPath}.when`)),
    decision: decisionForRule(rule, ref, keyPath),
    shadow: requireMode(rule.mode ?? policyMode, `${keyPath}.mode`) === "shadow",
  });
}

function requireMode(mode: unknown, keyPath: string): PolicyMode {
  if (mode === "enforce" || mode === "shadow") return mode;
  throw new GatewayError(
    ErrorCode.PolicyInvalid,
    `${keyPath}: unknown mode ${JSON.stringify(mode)} (expected enforce or shadow)`,
  );
}

function compileOptionalGlob(glob: string | undefined, keyPath: string): NameMatcher {
  return glob === undefined ? matchesAnyName : compileGlob(requireGlob(glob, keyPath), keyPath);
}

function requireGlob(glob: unknown, keyPath: string): string {
  if (typeof glob === "string") return glob;
  throw new GatewayError(ErrorCode.PolicyInvalid, `${keyPath}: expected a glob string`);
}
