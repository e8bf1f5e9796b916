import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deepEqual } from "../../../src/policy/deep-equal.js";

describe("deepEqual", () => {
  it.each<[unknown, unknown, boolean]>([
    [1, 1, true],
    [1, "1", false],
    [0, -0, true],
    [Number.NaN, Number.NaN, true],
    [null, null, true],
    [null, {}, false],
    [undefined, null, false],
    ["", false, false],
    [[], [], true],
    [[], {}, false],
    [{}, [], false],
    [{ a: undefined }, {}, false],
    [{ a: 1 }, { b: 1 }, false],
    [[[1, [2]]], [[1, [2]]], true],
    [[[1, [2]]], [[1, [3]]], false],
    [Object.create({ inherited: 1 }) as object, {}, true],
  ])("%j and %j are equal: %s", (left, right, expected) => {
    expect(deepEqual(left, right)).toBe(expected);
    expect(deepEqual(right, left)).toBe(expected);
  });

  it("holds between any JSON value and its copy", () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => deepEqual(value, structuredClone(value))));
  });

  it("agrees with equality of canonical JSON text", () => {
    const canonical = (value: unknown): string =>
      JSON.stringify(value, (_key, inner: unknown) =>
        inner && typeof inner === "object" && !Array.isArray(inner)
          ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : 1)))
          : inner,
      );
    const small = fc.jsonValue({ maxDepth: 2 });
    fc.assert(
      fc.property(small, small, (left, right) => {
        expect(deepEqual(left, right)).toBe(canonical(left) === canonical(right));
      }),
    );
  });

  it("compares deeply nested input against a shallow value without overflowing", () => {
    let nested: unknown = "leaf";
    for (let i = 0; i < 100_000; i++) nested = [nested];
    expect(deepEqual(nested, [["other"]])).toBe(false);
  });
});
