import { describe, expect, it } from "vitest";
import { maxArgumentDepth, nestingDepth } from "../../../src/proxy/argument-depth.js";

/** `[[…[]…]]`, `depth` arrays deep, parsed as a call's arguments would be. */
function deepArrays(depth: number): unknown {
  return JSON.parse("[".repeat(depth) + "]".repeat(depth)) as unknown;
}

describe("nestingDepth", () => {
  it("counts the arrays and objects on the deepest path", () => {
    expect(nestingDepth("text", 10)).toBe(0);
    expect(nestingDepth(null, 10)).toBe(0);
    expect(nestingDepth({}, 10)).toBe(1);
    expect(nestingDepth([], 10)).toBe(1);
    expect(nestingDepth({ a: [1] }, 10)).toBe(2);
    expect(nestingDepth({ flat: 1, deep: { a: { b: [{ c: null }] } }, other: [[]] }, 10)).toBe(5);
  });

  it("answers limit + 1 for anything deeper than the limit, however deep", () => {
    expect(nestingDepth(deepArrays(3), 3)).toBe(3);
    expect(nestingDepth(deepArrays(4), 3)).toBe(4);
    expect(nestingDepth(deepArrays(100_000), maxArgumentDepth)).toBe(maxArgumentDepth + 1);
    const deepObjects = JSON.parse('{"a":'.repeat(100_000) + "1" + "}".repeat(100_000)) as unknown;
    expect(nestingDepth(deepObjects, maxArgumentDepth)).toBe(maxArgumentDepth + 1);
  });

  it("finds a deep path next to shallow ones, and counts __proto__ keys as data", () => {
    const wide = Array.from({ length: 1_000 }, (_, index) => (index === 700 ? deepArrays(200) : { index }));
    expect(nestingDepth({ items: wide }, maxArgumentDepth)).toBe(maxArgumentDepth + 1);
    const parsed = JSON.parse('{"__proto__": {"a": {"b": {}}}}') as unknown;
    expect(nestingDepth(parsed, 10)).toBe(4);
  });

  it("counts a cycle as too deep rather than walking it forever", () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(nestingDepth(cycle, 50)).toBe(51);
  });
});
