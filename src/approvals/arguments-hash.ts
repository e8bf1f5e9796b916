import { createHash } from "node:crypto";

/**
 * The JSON text of a value with object keys sorted at every depth and no whitespace, so that
 * equal arguments give equal text whatever order the client wrote the keys in. Array order is
 * kept (it is meaningful); `undefined` members are dropped and `toJSON` is honoured, as
 * `JSON.stringify` does. A call without arguments is `null`.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, sortKeys) ?? "null";
}

/** SHA-256 (lower-case hex) of the arguments' canonical JSON: identifies "the same call". */
export function argumentsHash(args: unknown): string {
  return createHash("sha256").update(canonicalJson(args), "utf8").digest("hex");
}

// Called by JSON.stringify for every value after its `toJSON`; returning a key-sorted copy of
// each plain object makes the serialisation canonical at every depth.
function sortKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const source = value as Record<string, unknown>;
  // No prototype: a `__proto__` argument key must be kept as data, not hit the setter.
  const sorted: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(source).sort()) sorted[key] = source[key];
  return sorted;
}
