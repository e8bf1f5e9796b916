/**
 * Structural equality of JSON-like values without type coercion (`1` is not `"1"`, `[]` is
 * not `{}`). Objects compare by their own enumerable keys, arrays element by element.
 *
 * Recursion stops as soon as the two sides differ in kind, so it never goes deeper than the
 * shallower value: deeply nested call arguments cannot exhaust the stack against a policy value.
 */
export function deepEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (typeof left === "number" && typeof right === "number") return Number.isNaN(left) && Number.isNaN(right);
  if (!isObject(left) || !isObject(right)) return false;
  const leftIsArray = Array.isArray(left);
  if (leftIsArray !== Array.isArray(right)) return false;
  return leftIsArray
    ? arraysEqual(left as readonly unknown[], right as readonly unknown[])
    : recordsEqual(left, right);
}

function isObject(value: unknown): value is object {
  return typeof value === "object" && value !== null;
}

function arraysEqual(left: readonly unknown[], right: readonly unknown[]): boolean {
  if (left.length !== right.length) return false;
  for (let i = 0; i < left.length; i++) {
    if (!deepEqual(left[i], right[i])) return false;
  }
  return true;
}

function recordsEqual(left: object, right: object): boolean {
  const leftKeys = Object.keys(left);
  if (leftKeys.length !== Object.keys(right).length) return false;
  for (const key of leftKeys) {
    if (!Object.hasOwn(right, key)) return false;
    if (!deepEqual((left as Record<string, unknown>)[key], (right as Record<string, unknown>)[key]))
      return false;
  }
  return true;
}
