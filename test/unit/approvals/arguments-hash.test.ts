import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { argumentsHash, canonicalJson } from "../../../src/approvals/arguments-hash.js";
import { ErrorCode } from "../../../src/errors.js";

function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

describe("canonicalJson", () => {
  it("sorts object keys at every depth, keeps array order and drops whitespace", () => {
    const value = { z: 1, a: { d: [3, { y: true, b: null }], c: "x" } };
    expect(canonicalJson(value)).toBe('{"a":{"c":"x","d":[3,{"b":null,"y":true}]},"z":1}');
  });

  it("drops undefined members as JSON does, and writes undefined array items as null", () => {
    expect(canonicalJson({ b: undefined, a: 1, c: [undefined, 2] })).toBe('{"a":1,"c":[null,2]}');
  });

  it("writes a call without arguments as null", () => {
    expect(canonicalJson(undefined)).toBe("null");
    expect(canonicalJson(null)).toBe("null");
  });

  it("writes integer-like keys first, in numeric order, as the recursive version did", () => {
    const value = { b: 1, 10: 2, a: 3, 2: 4, "01": 5 };
    expect(canonicalJson(value)).toBe('{"2":4,"10":2,"01":5,"a":3,"b":1}');
    expect(canonicalJson(value)).toBe(recursiveCanonicalJson(value));
  });

  it("honours toJSON and writes non-finite numbers as null", () => {
    const value = { at: new Date("2026-11-26T12:00:00.000Z"), n: [NaN, -Infinity, -0], f: () => 1 };
    expect(canonicalJson(value)).toBe('{"at":"2026-11-26T12:00:00.000Z","n":[null,null,0]}');
  });

  it("writes exactly what the recursive version wrote, for any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => canonicalJson(value) === recursiveCanonicalJson(value)),
      { numRuns: 500 },
    );
  });

  it("writes values nested 100,000 deep, which JSON.stringify cannot", () => {
    const depth = 100_000;
    const arrays = "[".repeat(depth) + "]".repeat(depth);
    expect(canonicalJson(JSON.parse(arrays))).toBe(arrays);
    const objects = JSON.parse('{"b":1,"a":'.repeat(depth) + "null" + "}".repeat(depth)) as unknown;
    expect(canonicalJson(objects)).toBe('{"a":'.repeat(depth) + "null" + ',"b":1}'.repeat(depth));
  });

  it("refuses a circular value or a BigInt with a gateway error", () => {
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = { again: cycle };
    expect(() => canonicalJson(cycle)).toThrow(expect.objectContaining({ code: ErrorCode.Internal }));
    expect(() => canonicalJson({ n: 1n })).toThrow(expect.objectContaining({ code: ErrorCode.Internal }));
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: [shared] })).toBe('{"a":{"x":1},"b":[{"x":1}]}');
  });
});

/**
 * The former implementation, whose text the hashes of stored decision chains were computed
 * over; recursive, so only for values JSON.stringify can take.
 */
function recursiveCanonicalJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key: string, current: unknown) => {
      if (current === null || typeof current !== "object" || Array.isArray(current)) return current;
      const sorted: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      for (const key of Object.keys(current).sort()) sorted[key] = (current as Record<string, unknown>)[key];
      return sorted;
    }) ?? "null"
  );
}

describe("argumentsHash", () => {
  it("is the SHA-256 hex of the canonical JSON", () => {
    expect(argumentsHash({ b: 2, a: 1 })).toBe(sha256('{"a":1,"b":2}'));
    expect(argumentsHash({ b: 2, a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });

  it("does not depend on key order, at any depth", () => {
    const one = { query: "select 1", options: { timeout: 5, retries: { max: 3, backoff: "exp" } } };
    const other = { options: { retries: { backoff: "exp", max: 3 }, timeout: 5 }, query: "select 1" };
    expect(argumentsHash(one)).toBe(argumentsHash(other));
  });

  it("tells apart arrays whose items are in another order", () => {
    expect(argumentsHash({ ids: [1, 2, 3] })).not.toBe(argumentsHash({ ids: [3, 2, 1] }));
  });

  it("tells apart different values, nested ones included", () => {
    const base = argumentsHash({ target: { env: "prod", replicas: 3 } });
    expect(argumentsHash({ target: { env: "prod", replicas: 4 } })).not.toBe(base);
    expect(argumentsHash({ target: { env: "prod", replicas: "3" } })).not.toBe(base);
    expect(argumentsHash({ target: { env: "prod" } })).not.toBe(base);
    expect(argumentsHash({ target: { env: "prod", replicas: 3, extra: null } })).not.toBe(base);
  });

  it("treats a member set to undefined like a missing one", () => {
    expect(argumentsHash({ path: "/a", mode: undefined })).toBe(argumentsHash({ path: "/a" }));
  });

  it("hashes unicode text by its UTF-8 bytes, keys included", () => {
    const value = { 名前: "Zoë 🚀", emoji: "👍🏽" };
    expect(argumentsHash(value)).toBe(sha256('{"emoji":"👍🏽","名前":"Zoë 🚀"}'));
    expect(argumentsHash({ text: "e\u0301" })).not.toBe(argumentsHash({ text: "\u00e9" }));
  });

  it("keeps a __proto__ argument key as data", () => {
    const parsed = JSON.parse('{"__proto__": {"role": "admin"}, "name": "x"}') as unknown;
    const other = JSON.parse('{"__proto__": {"role": "viewer"}, "name": "x"}') as unknown;
    expect(canonicalJson(parsed)).toBe('{"__proto__":{"role":"admin"},"name":"x"}');
    expect(argumentsHash(parsed)).not.toBe(argumentsHash(other));
  });
});
