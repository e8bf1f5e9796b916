import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeKeyPart, rateLimitKey, type RateLimitKeyOptions } from "../../../src/ratelimit/index.js";

const base: RateLimitKeyOptions = {
  ruleId: "throttle",
  per: "session",
  agentId: "ci-bot",
  sessionId: "3f2a-77",
  upstream: "sagemaker",
};

describe("rateLimitKey", () => {
  it("scopes a session budget to the rule, upstream and session", () => {
    expect(rateLimitKey(base)).toBe("rl:throttle:session:sagemaker:3f2a-77");
  });

  it("scopes an agent budget to the rule and agent, shared across upstreams and sessions", () => {
    const key = rateLimitKey({ ...base, per: "agent" });
    expect(key).toBe("rl:throttle:agent:ci-bot");
    expect(rateLimitKey({ ...base, per: "agent", upstream: "billing", sessionId: "other" })).toBe(key);
  });

  it("gives a global budget one key per rule", () => {
    const key = rateLimitKey({ ...base, per: "global" });
    expect(key).toBe("rl:throttle:global");
    expect(rateLimitKey({ ...base, per: "global", agentId: "x", upstream: "y", sessionId: undefined })).toBe(
      key,
    );
    expect(rateLimitKey({ ...base, per: "global", ruleId: "other" })).not.toBe(key);
  });

  it("falls back to the agent budget when a session budget has no session id", () => {
    const agentKey = rateLimitKey({ ...base, per: "agent" });
    expect(rateLimitKey({ ...base, sessionId: undefined })).toBe(agentKey);
    expect(rateLimitKey({ ...base, sessionId: "" })).toBe(agentKey);
  });

  it("keeps ids containing separators from colliding", () => {
    const pairs: [Partial<RateLimitKeyOptions>, Partial<RateLimitKeyOptions>][] = [
      [
        { ruleId: "a:agent", agentId: "b" },
        { ruleId: "a", agentId: "agent:b" },
      ],
      [
        { upstream: "up:s", sessionId: "x" },
        { upstream: "up", sessionId: "s:x" },
      ],
      [
        { ruleId: "r", per: "agent", agentId: "global" },
        { ruleId: "r:agent:global", per: "global" },
      ],
      [
        { agentId: "a%003ab", per: "agent" },
        { agentId: "a:b", per: "agent" },
      ],
    ];
    for (const [left, right] of pairs) {
      expect(rateLimitKey({ ...base, ...left })).not.toBe(rateLimitKey({ ...base, ...right }));
    }
  });

  it("leaves no separator, hash-tag brace or whitespace inside a part", () => {
    const key = rateLimitKey({ ...base, ruleId: "r {x}", sessionId: "s:1\n", upstream: "ü/ß" });
    expect(key.split(":")).toHaveLength(5);
    expect(key).not.toMatch(/[{}\s]/);
  });
});

/** The inverse of encodeKeyPart; it exists only to prove the encoding loses nothing. */
function decodeKeyPart(encoded: string): string {
  return encoded.replace(/%([0-9a-f]{4})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

describe("encodeKeyPart", () => {
  it("keeps plain ids readable", () => {
    expect(encodeKeyPart("ci-bot_2.v~1")).toBe("ci-bot_2.v~1");
  });

  it("encodes every other code unit with fixed width, never throwing", () => {
    expect(encodeKeyPart("a:b")).toBe("a%003ab");
    expect(encodeKeyPart("%")).toBe("%0025");
    expect(encodeKeyPart("{é}")).toBe("%007b%00e9%007d");
    expect(encodeKeyPart("\ud800")).toBe("%d800");
  });

  it("is injective over a sample of tricky ids", () => {
    const ids = ["", "a", "a:", ":a", "a%", "a%003a", "a:b", "a%3Ab", "%0025", "%", "😀", "\ud83d", "{a}"];
    expect(new Set(ids.map(encodeKeyPart)).size).toBe(ids.length);
  });

  it("round-trips any UTF-16 string, using only key-safe characters", () => {
    const anyUtf16 = fc
      .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 })
      .map((units) => String.fromCharCode(...units));
    fc.assert(
      fc.property(anyUtf16, (id) => {
        const encoded = encodeKeyPart(id);
        expect(encoded).toMatch(/^[A-Za-z0-9._~%-]*$/);
        expect(decodeKeyPart(encoded)).toBe(id);
      }),
    );
  });
});
