/**
 * The deepest nesting of arrays and objects the gateway accepts in a call's arguments (the
 * arguments object itself is level 1). Deeper calls are refused before the policy sees them:
 * nobody can review what Slack and the decision log can only show cut off, and no recursive
 * reader of the arguments (conditions, redaction, hashing) then has to cope with them.
 */
export const maxArgumentDepth = 128;

/** The rule id recorded for such refusals; rule ids in a policy cannot start with `gateway:`. */
export const argumentsTooDeepRuleId = "gateway:arguments-too-deep";

/**
 * How many arrays and objects are nested on the deepest path through `value`: 0 for a scalar,
 * 1 for `{}` or `[]`, 2 for `{"a":[1]}`. The walk is iterative and stops at the first path
 * deeper than `limit`, answering `limit + 1`, so no input can exhaust the stack, and a cycle
 * counts as too deep.
 */
export function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const pending: Array<{ readonly container: object; readonly depth: number }> = [];
  if (isContainer(value)) pending.push({ container: value, depth: 1 });
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next.depth > limit) return limit + 1;
    deepest = Math.max(deepest, next.depth);
    for (const child of Object.values(next.container)) {
      if (isContainer(child)) pending.push({ container: child, depth: next.depth + 1 });
    }
  }
  return deepest;
}

function isContainer(value: unknown): value is object {
  return typeof value === "object" && value !== null;
}
