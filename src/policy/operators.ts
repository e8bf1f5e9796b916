import { ErrorCode, GatewayError } from "../errors.js";
import { deepEqual } from "./deep-equal.js";

/** Tests one resolved value; `undefined` stands for a missing value. */
export type ValueTest = (value: unknown) => boolean;

type Ordering = "lt" | "lte" | "gt" | "gte";

const OPERATORS = ["eq", "ne", "in", "not_in", "lt", "lte", "gt", "gte", "regex", "exists"] as const;

/**
 * Compiles one condition operator with its operand. Only `exists: false`, `ne` and `not_in`
 * hold on a missing value. Throws `POLICY_INVALID` naming `keyPath` for an unknown operator,
 * an operand of the wrong type or an invalid regular expression.
 */
export function compileOperator(operator: string, operand: unknown, keyPath: string): ValueTest {
  switch (operator) {
    case "eq":
      return (value) => value !== undefined && deepEqual(value, operand);
    case "ne":
      return (value) => value === undefined || !deepEqual(value, operand);
    case "in": {
      const list = requireList(operand, keyPath);
      return (value) => value !== undefined && containsEqual(list, value);
    }
    case "not_in": {
      const list = requireList(operand, keyPath);
      return (value) => value === undefined || !containsEqual(list, value);
    }
    case "lt":
    case "lte":
    case "gt":
    case "gte":
      return compileOrdering(operator, requireOrderable(operand, keyPath));
    case "regex":
      return compileRegexTest(requireString(operand, keyPath), keyPath);
    case "exists": {
      const expected = requireBoolean(operand, keyPath);
      return (value) => (value !== undefined) === expected;
    }
    default:
      throw invalid(keyPath, `unknown operator (expected one of ${OPERATORS.join(", ")})`);
  }
}

function containsEqual(list: readonly unknown[], value: unknown): boolean {
  for (const candidate of list) {
    if (deepEqual(value, candidate)) return true;
  }
  return false;
}

function compileOrdering(operator: Ordering, bound: number | string): ValueTest {
  const comparable = (value: unknown): value is typeof bound => typeof value === typeof bound;
  switch (operator) {
    case "lt":
      return (value) => comparable(value) && value < bound;
    case "lte":
      return (value) => comparable(value) && value <= bound;
    case "gt":
      return (value) => comparable(value) && value > bound;
    case "gte":
      return (value) => comparable(value) && value >= bound;
  }
}

function compileRegexTest(source: string, keyPath: string): ValueTest {
  const pattern = compileRegex(source, keyPath);
  return (value) => {
    const text = regexSubject(value);
    return text !== undefined && pattern.test(text);
  };
}

/** Strings as they are, numbers and booleans as text; anything else cannot match a pattern. */
function regexSubject(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

function compileRegex(source: string, keyPath: string): RegExp {
  try {
    return new RegExp(source);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw invalid(keyPath, `invalid regular expression ${JSON.stringify(source)} (${detail})`, error);
  }
}

function requireList(operand: unknown, keyPath: string): readonly unknown[] {
  if (!Array.isArray(operand)) throw invalid(keyPath, "expected a list of values");
  return operand;
}

function requireOrderable(operand: unknown, keyPath: string): number | string {
  if (typeof operand === "number" || typeof operand === "string") return operand;
  throw invalid(keyPath, "expected a number or a string");
}

function requireString(operand: unknown, keyPath: string): string {
  if (typeof operand === "string") return operand;
  throw invalid(keyPath, "expected a string");
}

function requireBoolean(operand: unknown, keyPath: string): boolean {
  if (typeof operand === "boolean") return operand;
  throw invalid(keyPath, "expected true or false");
}

function invalid(keyPath: string, problem: string, cause?: unknown): GatewayError {
  return new GatewayError(
    ErrorCode.PolicyInvalid,
    `${keyPath}: ${problem}`,
    cause === undefined ? undefined : { cause },
  );
}
