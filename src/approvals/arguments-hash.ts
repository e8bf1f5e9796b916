import { createHash } from "node:crypto";
import { ErrorCode, GatewayError } from "../errors.js";

/**
 * The JSON text of a value with object keys sorted at every depth and no whitespace, so that
 * equal arguments give equal text whatever order the client wrote the keys in. Array order is
 * kept (it is meaningful); `undefined` members are dropped and `toJSON` is honoured, as
 * `JSON.stringify` does. A call without arguments is `null`.
 *
 * The walk is iterative, so no depth of nesting can overflow the stack. The text is exactly
 * what `JSON.stringify` with a key-sorting replacer wrote before, which the hashes of stored
 * decision chains depend on. Throws `INTERNAL` for a cycle or a BigInt, which have no JSON text.
 */
export function canonicalJson(value: unknown): string {
  const root = withToJson(value, "");
  if (!hasJsonForm(root)) return "null";
  let text = "";
  const open: Container[] = [];
  // The objects being written: a cycle would otherwise be written forever.
  const ancestors = new Set<object>();
  let next: unknown = root;
  for (;;) {
    if (typeof next === "object" && next !== null) {
      if (ancestors.has(next)) throw new GatewayError(ErrorCode.Internal, "canonicalJson: circular value");
      ancestors.add(next);
      const container = openContainer(next);
      open.push(container);
      text += container.keys ? "{" : "[";
    } else {
      text += scalarJson(next);
    }
    // Up to the next member to write, closing every container that has none left.
    for (;;) {
      const container = open.at(-1);
      if (!container) return text;
      const member = nextMember(container);
      if (member) {
        text += member.prefix;
        next = member.value;
        break;
      }
      text += container.keys ? "}" : "]";
      ancestors.delete(container.source);
      open.pop();
    }
  }
}

/** SHA-256 (lower-case hex) of the arguments' canonical JSON: identifies "the same call". */
export function argumentsHash(args: unknown): string {
  return createHash("sha256").update(canonicalJson(args), "utf8").digest("hex");
}

/** An array or object being written, and how far. */
interface Container {
  readonly source: object;
  /** The members' values: the array itself, or the object's key-sorted copy. */
  readonly values: Readonly<Record<string, unknown>>;
  /** The object's keys in writing order; undefined for an array. */
  readonly keys: readonly string[] | undefined;
  readonly length: number;
  position: number;
  written: number;
}

function openContainer(source: object): Container {
  if (Array.isArray(source)) {
    const values = source as unknown as Readonly<Record<string, unknown>>;
    return { source, values, keys: undefined, length: source.length, position: 0, written: 0 };
  }
  // The replacer this replaced returned a key-sorted copy, and JSON.stringify wrote the copy's
  // own keys in their property order (integer-like keys first, ascending): so does this.
  // No prototype: a `__proto__` argument key must be kept as data, not hit the setter.
  const sorted: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(source).sort()) sorted[key] = (source as Record<string, unknown>)[key];
  const keys = Object.keys(sorted);
  return { source, values: sorted, keys, length: keys.length, position: 0, written: 0 };
}

/** The next member with a JSON text, and what to write before it; undefined when none is left. */
function nextMember(container: Container): { prefix: string; value: unknown } | undefined {
  const { keys, values } = container;
  while (container.position < container.length) {
    const position = container.position;
    container.position += 1;
    const key = keys ? (keys[position] ?? "") : String(position);
    const value = withToJson(values[key], key);
    const separator = container.written === 0 ? "" : ",";
    if (!keys) {
      container.written += 1;
      return { prefix: separator, value: hasJsonForm(value) ? value : null };
    }
    if (!hasJsonForm(value)) continue;
    container.written += 1;
    return { prefix: `${separator}${JSON.stringify(key)}:`, value };
  }
  return undefined;
}

function withToJson(value: unknown, key: string): unknown {
  if (typeof value !== "bigint" && (typeof value !== "object" || value === null)) return value;
  const toJson: unknown = (value as { toJSON?: unknown }).toJSON;
  return typeof toJson === "function" ? (toJson as (key: string) => unknown).call(value, key) : value;
}

/** Whether JSON has a text for it: undefined, functions and symbols are left out. */
function hasJsonForm(value: unknown): boolean {
  return value !== undefined && typeof value !== "function" && typeof value !== "symbol";
}

function scalarJson(value: unknown): string {
  switch (typeof value) {
    case "string":
    case "number":
      // JSON.stringify writes non-finite numbers as null, like the rest of the text.
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      throw new GatewayError(ErrorCode.Internal, "canonicalJson: a BigInt has no JSON text");
    default:
      return "null";
  }
}
