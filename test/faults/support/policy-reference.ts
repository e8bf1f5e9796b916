import type {
  ApprovalSpec,
  ConditionSpec,
  Decision,
  PolicyAction,
  PolicySpec,
  RuleSpec,
  ToolCall,
} from "../../../src/policy/types.js";

/**
 * A deliberately naive model of the policy semantics as the README and src/policy document
 * them, written without the engine's code: linear scans, globs turned into regular
 * expressions by hand, conditions evaluated straight from their definitions.
 */

/** What a `require_approval` rule without an `approval` block asks for (README, Policy). */
const defaultApproval: ApprovalSpec = {
  approvers: [],
  quorum: 1,
  timeoutMs: 10 * 60_000,
  onTimeout: "deny",
  requireReasonOnDeny: false,
};
const defaultDenyReason = "No policy rule allows this call (default: deny)";

/** `*` any run of characters (newlines, `/` and `.` included), `?` one, `{a,b}` either; the rest literal. */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^(?:${globSource(glob)})$`);
}

function globSource(glob: string): string {
  let source = "";
  for (let i = 0; i < glob.length; i += 1) {
    const char = glob.charAt(i);
    if (char === "*") source += "[\\s\\S]*";
    else if (char === "?") source += "[\\s\\S]";
    else if (char === "{") {
      const close = glob.indexOf("}", i);
      const alternatives = glob.slice(i + 1, close).split(",");
      source += `(?:${alternatives.map(globSource).join("|")})`;
      i = close;
    } else source += char.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
  }
  return source;
}

export function globMatches(glob: string | undefined, name: string): boolean {
  return glob === undefined || globToRegExp(glob).test(name);
}

/** Structural equality of JSON data: the same canonical JSON text (keys sorted at every depth). */
export function sameJson(left: unknown, right: unknown): boolean {
  return canonical(left) === canonical(right);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The value a `when` path names in the call; undefined when missing. */
export function valueAt(call: ToolCall, path: string): unknown {
  if (path === "agent") return call.agentId;
  if (path === "upstream") return call.upstream;
  if (path === "tool") return call.tool;
  let value: unknown = call.args;
  for (const key of path.slice("args.".length).split(".")) {
    if (Array.isArray(value)) {
      value = /^(0|[1-9][0-9]*)$/.test(key) && Number(key) < value.length ? value[Number(key)] : undefined;
    } else if (
      typeof value === "object" &&
      value !== null &&
      Object.prototype.hasOwnProperty.call(value, key)
    ) {
      value = (value as Record<string, unknown>)[key];
    } else {
      return undefined;
    }
  }
  return value;
}

/** Every operator of the condition holds for the value (undefined = missing). */
export function conditionHolds(condition: ConditionSpec, value: unknown): boolean {
  const missing = value === undefined;
  const checks: boolean[] = [];
  if ("eq" in condition) checks.push(!missing && sameJson(value, condition.eq));
  if ("ne" in condition) checks.push(missing || !sameJson(value, condition.ne));
  if (condition.in) checks.push(!missing && condition.in.some((item) => sameJson(value, item)));
  if (condition.not_in) checks.push(missing || !condition.not_in.some((item) => sameJson(value, item)));
  for (const operator of ["lt", "lte", "gt", "gte"] as const) {
    const bound = condition[operator];
    if (bound !== undefined) checks.push(ordered(operator, value, bound));
  }
  if (condition.regex !== undefined) {
    const text =
      typeof value === "string" || typeof value === "number" || typeof value === "boolean"
        ? String(value)
        : undefined;
    checks.push(text !== undefined && new RegExp(condition.regex).test(text));
  }
  if (condition.exists !== undefined) checks.push(condition.exists === !missing);
  return checks.every(Boolean);
}

function ordered(operator: "lt" | "lte" | "gt" | "gte", value: unknown, bound: number | string): boolean {
  if (typeof value !== typeof bound) return false;
  const left = value as number | string;
  if (operator === "lt") return left < bound;
  if (operator === "lte") return left <= bound;
  if (operator === "gt") return left > bound;
  return left >= bound;
}

export function ruleApplies(rule: RuleSpec, call: ToolCall): boolean {
  return (
    targets(rule, call) &&
    Object.entries(rule.when ?? {}).every(([path, condition]) =>
      conditionHolds(condition, valueAt(call, path)),
    )
  );
}

function targets(rule: RuleSpec, target: Pick<ToolCall, "tool" | "upstream" | "agentId">): boolean {
  return (
    globMatches(rule.tool, target.tool) &&
    globMatches(rule.upstream, target.upstream) &&
    globMatches(rule.agent, target.agentId)
  );
}

function isShadow(rule: RuleSpec, policy: PolicySpec): boolean {
  return (rule.mode ?? policy.mode ?? "enforce") === "shadow";
}

/** What a rule decides, built from its spec alone. */
export function decisionOf(rule: RuleSpec, index: number): Decision {
  const ref = { id: rule.id, index };
  const limit = rule.rateLimit ? { rateLimit: rule.rateLimit } : {};
  if (rule.action === "deny")
    return { action: "deny", rule: ref, reason: rule.reason ?? `Denied by policy rule ${rule.id}` };
  if (rule.action === "require_approval")
    return { action: "require_approval", rule: ref, approval: rule.approval ?? defaultApproval, ...limit };
  return { action: "allow", rule: ref, ...limit };
}

function defaultDecision(policy: PolicySpec): Decision {
  return policy.default === "allow" ? { action: "allow" } : { action: "deny", reason: defaultDenyReason };
}

export function actionOf(decision: Decision): PolicyAction {
  return decision.action === "allow" && decision.rateLimit ? "rate_limit" : decision.action;
}

export interface ReferenceEvaluation {
  readonly decision: Decision;
  readonly shadow?: { readonly decision: Decision; readonly ruleId: string | null };
}

/**
 * First matching enforced rule wins, else the default (allow when the policy is in shadow
 * mode). The shadow is the first matching shadow rule before it, or the shadowed default when
 * nothing enforced matched; reported only when its action differs.
 */
export function referenceEvaluate(policy: PolicySpec, call: ToolCall): ReferenceEvaluation {
  let firstShadow: number | undefined;
  let enforced: number | undefined;
  policy.rules.forEach((rule, index) => {
    if (enforced !== undefined || !ruleApplies(rule, call)) return;
    if (!isShadow(rule, policy)) enforced = index;
    else firstShadow ??= index;
  });
  const policyShadowed = policy.mode === "shadow";
  const ruleDecision = (index: number | undefined) =>
    index === undefined ? undefined : decisionOf(policy.rules[index] as RuleSpec, index);
  const decision =
    ruleDecision(enforced) ?? (policyShadowed ? { action: "allow" as const } : defaultDecision(policy));
  const wouldBe =
    ruleDecision(firstShadow) ??
    (enforced === undefined && policyShadowed ? defaultDecision(policy) : undefined);
  if (!wouldBe || actionOf(wouldBe) === actionOf(decision)) return { decision };
  return { decision, shadow: { decision: wouldBe, ruleId: wouldBe.rule?.id ?? null } };
}

/**
 * Hidden when, among the enforced rules whose globs match, every conditional one before the
 * first unconditional one is a hiding deny, and that unconditional one is a hiding deny too.
 */
export function referenceHidden(
  policy: PolicySpec,
  target: Pick<ToolCall, "tool" | "upstream" | "agentId">,
): boolean {
  for (const rule of policy.rules) {
    if (isShadow(rule, policy) || !targets(rule, target)) continue;
    const hidingDeny = rule.action === "deny" && rule.hide === true;
    if (!hidingDeny) return false;
    if (Object.keys(rule.when ?? {}).length === 0) return true;
  }
  return false;
}
