import { redactedMarker, redactSecretsInText } from "./secret-patterns.js";
import { toStorableText, truncateText } from "./storable-text.js";

export interface RedactorOptions {
  /** Key fragments: a key containing any of them has its value redacted. */
  readonly keys: readonly string[];
}

/** Returns a redacted, bounded, storable deep copy of a JSON value; never mutates it. */
export type Redactor = (value: unknown) => unknown;

export const maxStoredStringLength = 2_000;
/** Values nested deeper than this (the top-level value is depth 0) are replaced. */
export const maxStoredDepth = 20;
export const tooDeepMarker = "[TOO DEEP]";
export const circularMarker = "[CIRCULAR]";

/**
 * A redactor for call arguments. Values of keys containing a configured fragment are
 * replaced whatever their type (matching ignores case, `_` and `-`: fragment `apikey`
 * matches `apiKey`, `api_key` and `X-Api-Key`); strings anywhere are scanned for secret
 * shapes; long strings and deep nesting are cut so that no stored value is unbounded.
 */
export function createRedactor(options: RedactorOptions): Redactor {
  const fragments = options.keys.map(normalizeKey).filter((fragment) => fragment.length > 0);
  const isSecretKey = (key: string): boolean => {
    const normalized = normalizeKey(key);
    return fragments.some((fragment) => normalized.includes(fragment));
  };
  return (value) => copyValue(value, { depth: 0, ancestors: new Set(), isSecretKey });
}

interface CopyContext {
  readonly depth: number;
  /** Objects on the path from the root, to cut cycles. */
  readonly ancestors: Set<object>;
  readonly isSecretKey: (key: string) => boolean;
}

function normalizeKey(key: string): string {
  return key.toLowerCase().replaceAll(/[_-]/g, "");
}

function copyValue(value: unknown, context: CopyContext): unknown {
  if (context.depth > maxStoredDepth) return tooDeepMarker;
  switch (typeof value) {
    case "string":
      return redactText(value);
    case "number":
      return Number.isFinite(value) ? value : null;
    case "boolean":
      return value;
    case "bigint":
      return value.toString();
    case "object":
      return value === null ? null : copyObjectLike(value, context);
    default:
      // undefined, functions and symbols have no JSON form.
      return undefined;
  }
}

function copyObjectLike(value: object, context: CopyContext): unknown {
  if (context.ancestors.has(value)) return circularMarker;
  if (hasToJson(value)) return copyValue(value.toJSON(), context);
  const inner: CopyContext = { ...context, depth: context.depth + 1 };
  context.ancestors.add(value);
  try {
    return Array.isArray(value) ? copyArray(value, inner) : copyObject(value, inner);
  } finally {
    context.ancestors.delete(value);
  }
}

function copyArray(items: readonly unknown[], context: CopyContext): unknown[] {
  return items.map((item) => copyValue(item, context) ?? null);
}

function copyObject(value: object, context: CopyContext): Record<string, unknown> {
  const entries: [string, unknown][] = [];
  for (const [key, item] of Object.entries(value)) {
    const copied = context.isSecretKey(key) ? redactedMarker : copyValue(item, context);
    if (copied !== undefined) entries.push([redactText(key), copied]);
  }
  // fromEntries defines own properties, so a `__proto__` key stays a plain key.
  return Object.fromEntries(entries);
}

function redactText(text: string): string {
  return truncateText(toStorableText(redactSecretsInText(text)), maxStoredStringLength);
}

function hasToJson(value: object): value is { toJSON: () => unknown } {
  return "toJSON" in value && typeof value.toJSON === "function";
}
