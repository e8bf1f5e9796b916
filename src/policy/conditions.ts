import { ErrorCode, GatewayError } from "../errors.js";
import { compileOperator, type ValueTest } from "./operators.js";
import type { ConditionSpec, ToolCall } from "./types.js";

export type { ValueTest } from "./operators.js";

/**
 * Reads one value out of a call. `undefined` means the value is missing: an absent key, an
 * array index out of range, or a path running through something that is not an object.
 */
export type ValueResolver = (call: ToolCall) => unknown;

/** One entry of a rule's `when`, compiled. */
export interface CompiledCondition {
  readonly path: string;
  readonly holds: (call: ToolCall) => boolean;
}

interface PathSegment {
  readonly key: string;
  /** The segment as an array index, when it is a canonical non-negative integer. */
  readonly index: number | undefined;
}

const ARGS_PREFIX = "args.";
const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;

const readAgent: ValueResolver = (call) => call.agentId;
const readUpstream: ValueResolver = (call) => call.upstream;
const readTool: ValueResolver = (call) => call.tool;

/**
 * Compiles a `when` path: `agent`, `upstream`, `tool`, or `args.` followed by dotted keys
 * (`args.config.region`, `args.items.0.name`; a number indexes into an array). Only own
 * properties count, so `__proto__` or `constructor` never reach the prototype.
 * Throws `POLICY_INVALID` naming `keyPath` for any other form.
 */
export function compilePath(path: string, keyPath: string): ValueResolver {
  if (path === "agent") return readAgent;
  if (path === "upstream") return readUpstream;
  if (path === "tool") return readTool;
  const segments = path.startsWith(ARGS_PREFIX) ? path.slice(ARGS_PREFIX.length).split(".") : [];
  if (segments.length === 0 || segments.includes("")) {
    throw new GatewayError(
      ErrorCode.PolicyInvalid,
      `${keyPath}: path must be "agent", "upstream", "tool" or "args." followed by dotted keys`,
    );
  }
  const compiled = segments.map(toSegment);
  return (call) => readSegments(call.args, compiled);
}

/** Resolves `path` against `call`; `undefined` when missing. See {@link compilePath}. */
export function resolvePath(call: ToolCall, path: string): unknown {
  return compilePath(path, "path")(call);
}

/**
 * Compiles one condition. All of its operators must hold. On a missing value `exists: false`,
 * `ne` and `not_in` hold and every other operator fails. `eq`, `ne`, `in` and `not_in` use
 * structural equality without coercion; `lt`, `lte`, `gt`, `gte` hold only for number against
 * number or string against string; `regex` tests strings, and numbers or booleans as text.
 */
export function compileCondition(condition: ConditionSpec, keyPath: string): ValueTest {
  if (typeof condition !== "object" || condition === null || Array.isArray(condition)) {
    throw new GatewayError(ErrorCode.PolicyInvalid, `${keyPath}: condition must be a map of operators`);
  }
  const tests: ValueTest[] = [];
  for (const [operator, operand] of Object.entries(condition)) {
    if (operand !== undefined) tests.push(compileOperator(operator, operand, `${keyPath}.${operator}`));
  }
  return allOf(tests);
}

/** Evaluates a condition against an already resolved value (`undefined` = missing). */
export function evaluateCondition(condition: ConditionSpec, value: unknown): boolean {
  return compileCondition(condition, "condition")(value);
}

/** Compiles a rule's `when`, all of whose conditions must hold. */
export function compileWhen(
  when: Readonly<Record<string, ConditionSpec>> | undefined,
  keyPath: string,
): readonly CompiledCondition[] {
  if (when === undefined) return [];
  if (typeof when !== "object" || when === null || Array.isArray(when)) {
    throw new GatewayError(ErrorCode.PolicyInvalid, `${keyPath}: expected a map of paths to conditions`);
  }
  return Object.entries(when).map(([path, condition]) => {
    const conditionKeyPath = `${keyPath}[${JSON.stringify(path)}]`;
    const resolve = compilePath(path, conditionKeyPath);
    const test = compileCondition(condition, conditionKeyPath);
    return { path, holds: (call: ToolCall) => test(resolve(call)) };
  });
}

/** Whether every condition holds for `call`; true for none. */
export function allConditionsHold(conditions: readonly CompiledCondition[], call: ToolCall): boolean {
  for (const condition of conditions) {
    if (!condition.holds(call)) return false;
  }
  return true;
}

function toSegment(key: string): PathSegment {
  const index = ARRAY_INDEX.test(key) ? Number(key) : undefined;
  return { key, index: index !== undefined && Number.isSafeInteger(index) ? index : undefined };
}

function readSegments(root: unknown, segments: readonly PathSegment[]): unknown {
  let value = root;
  for (const segment of segments) {
    value = readChild(value, segment);
    if (value === undefined) return undefined;
  }
  return value;
}

function readChild(parent: unknown, segment: PathSegment): unknown {
  if (Array.isArray(parent)) {
    return segment.index !== undefined && segment.index < parent.length ? parent[segment.index] : undefined;
  }
  if (typeof parent !== "object" || parent === null || !Object.hasOwn(parent, segment.key)) return undefined;
  return (parent as Record<string, unknown>)[segment.key];
}

function allOf(tests: readonly ValueTest[]): ValueTest {
  if (tests.length === 0) return () => true;
  const [only] = tests;
  if (tests.length === 1 && only) return only;
  return (value) => {
    for (const test of tests) {
      if (!test(value)) return false;
    }
    return true;
  };
}
