import { describe, expect, it } from "vitest";
import { createRedactor, maxStoredDepth, maxStoredStringLength } from "../../../src/audit/index.js";

const redact = createRedactor({ keys: ["api_key", "secret", "password", "token", "authorization"] });

describe("createRedactor: secret keys", () => {
  it.each([
    ["apiKey"],
    ["api_key"],
    ["API-KEY"],
    ["X-Api-Key"],
    ["clientSecret"],
    ["client_secret"],
    ["db_password"],
    ["PASSWORD"],
    ["refresh-token"],
    ["Authorization"],
  ])("redacts the value of %s", (key) => {
    expect(redact({ [key]: "hunter2", other: "kept" })).toEqual({ [key]: "[REDACTED]", other: "kept" });
  });

  it.each([["user"], ["path"], ["api"], ["secre"], ["tok"]])("keeps the value of %s", (key) => {
    expect(redact({ [key]: "plain" })).toEqual({ [key]: "plain" });
  });

  it("redacts a secret key's value whatever its type, at any depth and inside arrays", () => {
    const input = {
      config: { auth: { password: { nested: "x" } }, tokens: [1, 2] },
      list: [{ secretValue: 42 }, { name: "n" }],
    };
    expect(redact(input)).toEqual({
      config: { auth: { password: "[REDACTED]" }, tokens: "[REDACTED]" },
      list: [{ secretValue: "[REDACTED]" }, { name: "n" }],
    });
  });

  it("redacts nothing by key when no keys are configured", () => {
    const none = createRedactor({ keys: ["", "-_"] });
    expect(none({ password: "p" })).toEqual({ password: "p" });
  });
});

describe("createRedactor: secret-shaped strings under any key", () => {
  const jwt =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ." +
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
  const pem = [
    "-----BEGIN RSA PRIVATE KEY-----",
    "MIIEowIBAAKCAQEA7bq3xNn0dQ2Ua1rbXb9hVn9Q6JQ0XVYp3+9sVZk0sGgO",
    "-----END RSA PRIVATE KEY-----",
  ].join("\n");

  it.each([
    ["a bearer token", "Authorization: Bearer abc.DEF-123_xyz=", "Authorization: Bearer [REDACTED]"],
    ["a lower-case bearer token", "bearer s3cr3t", "bearer [REDACTED]"],
    ["an AWS access key id", "key AKIAIOSFODNN7EXAMPLE used", "key [REDACTED] used"],
    ["an AWS temporary key id", "ASIAY34FZKBOKMUTVV7A", "[REDACTED]"],
    ["an OpenAI key", "sk-proj-abcdefghijklmnopqrstuvwx1234", "[REDACTED]"],
    ["an Anthropic key", "use sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv now", "use [REDACTED] now"],
    ["a Stripe live key", "sk_live_51H8abcDEFghiJKL", "[REDACTED]"],
    ["a Stripe restricted test key", "rk_test_51H8abcDEFghiJKL", "[REDACTED]"],
    ["a Slack bot token", "xoxb-1234567890-abcdefghij", "[REDACTED]"],
    ["a Slack user token", "token=xoxp-1234567890-0987654321", "token=[REDACTED]"],
    ["a JWT", `jwt ${jwt} end`, "jwt [REDACTED] end"],
    ["a PEM private key", `before\n${pem}\nafter`, "before\n[REDACTED]\nafter"],
    ["a PEM private key cut before its end", "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkq", "[REDACTED]"],
    ["two secrets in one string", "AKIAIOSFODNN7EXAMPLE and xoxa-2-abcdefghijk", "[REDACTED] and [REDACTED]"],
  ])("redacts %s", (_label, input, expected) => {
    expect(redact({ note: input })).toEqual({ note: expected });
    expect(redact([input])).toEqual([expected]);
  });

  it.each([
    ["a git commit hash", "3f786850e387550fdab836ed7e6dc881de23001b"],
    ["a random-looking id", "Zx8pQ2rT7vW9yB4nM6kL3jH5gF1dS0aA"],
    [
      "a public key",
      "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\n-----END PUBLIC KEY-----",
    ],
    ["a short sk- word", "sk-learn"],
    ["an ordinary dotted name", "www.example.com"],
    ["a word merely containing akia", "TAKIAIOSFODNN7EXAMPLEX"],
  ])("keeps %s", (_label, input) => {
    expect(redact({ note: input })).toEqual({ note: input });
  });

  it("redacts secrets in object keys too", () => {
    expect(redact({ AKIAIOSFODNN7EXAMPLE: 1 })).toEqual({ "[REDACTED]": 1 });
  });
});

describe("createRedactor: bounds and copying", () => {
  it("never mutates its input", () => {
    const input = { password: "p", nested: { note: "Bearer t0ken", list: ["AKIAIOSFODNN7EXAMPLE"] } };
    const snapshot = structuredClone(input);
    const output = redact(input);
    expect(input).toEqual(snapshot);
    expect(output).not.toBe(input);
    expect((output as typeof input).nested).not.toBe(input.nested);
  });

  it("keeps strings up to the limit and cuts longer ones, saying by how much", () => {
    const atLimit = "a".repeat(maxStoredStringLength);
    expect(redact(atLimit)).toBe(atLimit);
    expect(redact("b".repeat(maxStoredStringLength + 123))).toBe(
      `${"b".repeat(maxStoredStringLength)}…[truncated 123 chars]`,
    );
  });

  it("does not cut a surrogate pair in half", () => {
    const text = `${"a".repeat(maxStoredStringLength - 1)}😀tail`;
    expect(redact(text)).toBe(`${"a".repeat(maxStoredStringLength - 1)}…[truncated 6 chars]`);
  });

  it("redacts a secret before cutting, so no part of it is kept", () => {
    const text = `${"a ".repeat((maxStoredStringLength - 10) / 2)}sk-abcdefghijklmnopqrstuvwxyz0123456789`;
    expect(redact(text)).toBe(`${"a ".repeat((maxStoredStringLength - 10) / 2)}[REDACTED]`);
  });

  it(`replaces values nested deeper than ${maxStoredDepth} levels`, () => {
    const deep = nest(maxStoredDepth + 5, "bottom");
    const copied = redact(deep);
    expect(valueAtDepth(copied, maxStoredDepth)).toEqual({ child: "[TOO DEEP]" });
    expect(valueAtDepth(redact(nest(maxStoredDepth, "bottom")), maxStoredDepth)).toBe("bottom");
  });

  it("cuts cycles", () => {
    const cyclic: Record<string, unknown> = { name: "root" };
    cyclic.self = cyclic;
    cyclic.list = [cyclic];
    expect(redact(cyclic)).toEqual({ name: "root", self: "[CIRCULAR]", list: ["[CIRCULAR]"] });
  });

  it("keeps a shared (non-cyclic) object in every place it appears", () => {
    const shared = { id: 1 };
    expect(redact({ a: shared, b: shared })).toEqual({ a: { id: 1 }, b: { id: 1 } });
  });

  it("turns values without a JSON form into JSON", () => {
    const input = {
      big: 12345678901234567890n,
      when: new Date("2026-01-02T03:04:05.000Z"),
      nan: Number.NaN,
      nothing: undefined,
      fn: () => 1,
      list: [undefined, Number.POSITIVE_INFINITY],
    };
    expect(redact(input)).toEqual({
      big: "12345678901234567890",
      when: "2026-01-02T03:04:05.000Z",
      nan: null,
      list: [null, null],
    });
  });

  it("replaces characters Postgres cannot store", () => {
    expect(redact({ "k\u0000": "a\u0000b\uD800c" })).toEqual({ "k\uFFFD": "a\uFFFDb\uFFFDc" });
  });

  it("keeps a __proto__ key as a plain key", () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}}') as unknown;
    const output = redact(input) as Record<string, unknown>;
    expect(Object.getPrototypeOf(output)).toBe(Object.prototype);
    expect(Object.keys(output)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("passes plain JSON through unchanged", () => {
    const input = { a: 1, b: [true, null, "x", { c: 2.5 }], d: {} };
    expect(redact(input)).toEqual(input);
    expect(redact(null)).toBeNull();
    expect(redact(undefined)).toBeUndefined();
  });
});

function nest(depth: number, bottom: unknown): unknown {
  let value = bottom;
  for (let level = 0; level < depth; level += 1) value = { child: value };
  return value;
}

function valueAtDepth(value: unknown, depth: number): unknown {
  let current = value;
  for (let level = 0; level < depth; level += 1) {
    current = (current as { child: unknown }).child;
  }
  return current;
}
