import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { argumentsHash, canonicalJson } from "../../../src/approvals/arguments-hash.js";

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
});

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
