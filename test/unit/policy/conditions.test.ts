import { describe, expect, it } from "vitest";
import {
  compileCondition,
  compileWhen,
  evaluateCondition,
  resolvePath,
} from "../../../src/policy/conditions.js";
import type { ConditionSpec } from "../../../src/policy/types.js";
import { callOf } from "./fixtures.js";

const call = callOf(
  "manage_stacks",
  {
    operation: "delete",
    count: 3,
    force: false,
    nothing: null,
    config: { region: "eu-west-1", tags: ["a", "b"], limits: { cpu: 2 } },
    items: [{ name: "first" }, { name: "second" }],
    "0": "zero key",
  },
  { upstream: "aws", agentId: "ci-bot" },
);

describe("resolvePath", () => {
  it.each([
    ["agent", "ci-bot"],
    ["upstream", "aws"],
    ["tool", "manage_stacks"],
    ["args.operation", "delete"],
    ["args.count", 3],
    ["args.force", false],
    ["args.nothing", null],
    ["args.config.region", "eu-west-1"],
    ["args.config.limits.cpu", 2],
    ["args.config.tags.1", "b"],
    ["args.items.0.name", "first"],
    ["args.items.1.name", "second"],
    ["args.0", "zero key"],
  ])("%s resolves to %j", (path, expected) => {
    expect(resolvePath(call, path)).toEqual(expected);
  });

  it("resolves an object value whole", () => {
    expect(resolvePath(call, "args.config.tags")).toEqual(["a", "b"]);
  });

  it.each([
    "args.absent",
    "args.config.absent",
    "args.config.region.length",
    "args.count.toFixed",
    "args.nothing.anything",
    "args.items.2.name",
    "args.items.-1",
    "args.items.01",
    "args.items.length",
    "args.items.name",
    "args.__proto__",
    "args.constructor",
    "args.toString",
    "args.config.__proto__.polluted",
    "args.config.hasOwnProperty",
    "args.items.0.constructor",
  ])("%s is missing", (path) => {
    expect(resolvePath(call, path)).toBeUndefined();
  });

  it("reads an own __proto__ key that came from JSON", () => {
    const parsed = JSON.parse('{"__proto__": {"admin": true}}') as Record<string, unknown>;
    expect(resolvePath(callOf("t", parsed), "args.__proto__.admin")).toBe(true);
  });

  it.each(["args", "args.", "args..x", "args.x.", "arguments.x", "agentId", "", "Agent"])(
    "rejects the path %j",
    (path) => {
      expect(() => resolvePath(call, path)).toThrow(
        /^path: path must be "agent", "upstream", "tool" or "args\."/,
      );
    },
  );
});

describe("evaluateCondition on a present value", () => {
  it.each<[string, ConditionSpec, unknown, boolean]>([
    ["eq string", { eq: "delete" }, "delete", true],
    ["eq other string", { eq: "delete" }, "create", false],
    ["eq does not coerce numbers", { eq: 1 }, "1", false],
    ["eq does not coerce strings", { eq: "1" }, 1, false],
    ["eq does not coerce booleans", { eq: true }, 1, false],
    ["eq null", { eq: null }, null, true],
    ["eq null against false", { eq: null }, false, false],
    ["eq deep object", { eq: { a: [1, { b: "c" }] } }, { a: [1, { b: "c" }] }, true],
    ["eq object ignores key order", { eq: { a: 1, b: 2 } }, { b: 2, a: 1 }, true],
    ["eq object with extra key", { eq: { a: 1 } }, { a: 1, b: 2 }, false],
    ["eq object with fewer keys", { eq: { a: 1, b: 2 } }, { a: 1 }, false],
    ["eq nested value differs", { eq: { a: [1, { b: "c" }] } }, { a: [1, { b: "d" }] }, false],
    ["eq array order matters", { eq: [1, 2] }, [2, 1], false],
    ["eq array length matters", { eq: [1, 2] }, [1, 2, 3], false],
    ["eq array vs object", { eq: [] }, {}, false],
    ["eq object vs array", { eq: { 0: "a" } }, ["a"], false],
    ["ne different", { ne: "delete" }, "create", true],
    ["ne same", { ne: "delete" }, "delete", false],
    ["ne does not coerce", { ne: 1 }, "1", true],
    ["ne deep equal", { ne: { a: [1] } }, { a: [1] }, false],
    ["in listed", { in: ["delete", "batch_delete"] }, "batch_delete", true],
    ["in not listed", { in: ["delete", "batch_delete"] }, "create", false],
    ["in does not coerce", { in: [1, 2] }, "1", false],
    ["in deep", { in: [{ a: 1 }, [1, 2]] }, [1, 2], true],
    ["in empty list", { in: [] }, "x", false],
    ["not_in listed", { not_in: ["delete"] }, "delete", false],
    ["not_in not listed", { not_in: ["delete"] }, "create", true],
    ["not_in does not coerce", { not_in: [1] }, "1", true],
    ["not_in deep", { not_in: [{ a: 1 }] }, { a: 1 }, false],
    ["lt numbers", { lt: 10 }, 9, true],
    ["lt equal", { lt: 10 }, 10, false],
    ["lte equal", { lte: 10 }, 10, true],
    ["lte above", { lte: 10 }, 11, false],
    ["gt numbers", { gt: 10 }, 11, true],
    ["gt equal", { gt: 10 }, 10, false],
    ["gte equal", { gte: 10 }, 10, true],
    ["gte below", { gte: 10 }, 9, false],
    ["gt negative and fractions", { gt: -1.5 }, -1.25, true],
    ["lt strings", { lt: "m" }, "a", true],
    ["lt strings compare by code unit", { lt: "b" }, "B", true],
    ["gte strings", { gte: "2024-01-01" }, "2024-06-30", true],
    ["lt number against string value", { lt: 10 }, "9", false],
    ["gt string against number value", { gt: "10" }, 11, false],
    ["gt against boolean", { gt: 0 }, true, false],
    ["lt against null", { lt: 1 }, null, false],
    ["gte against array", { gte: 0 }, [1], false],
    ["lt against NaN", { lt: 1 }, Number.NaN, false],
    ["regex on string", { regex: "^prod-" }, "prod-eu", true],
    ["regex no match", { regex: "^prod-" }, "dev-eu", false],
    ["regex is case-sensitive", { regex: "^prod" }, "PROD", false],
    ["regex inline class", { regex: "^[Pp]rod" }, "Prod", true],
    ["regex on number", { regex: "^\\d{3}$" }, 123, true],
    ["regex on number no match", { regex: "^\\d{3}$" }, 1234, false],
    ["regex on boolean", { regex: "^true$" }, true, true],
    ["regex on object", { regex: "object" }, { a: 1 }, false],
    ["regex on array", { regex: "a" }, ["a"], false],
    ["regex on null", { regex: "null" }, null, false],
    ["exists true", { exists: true }, "x", true],
    ["exists true on null", { exists: true }, null, true],
    ["exists true on false", { exists: true }, false, true],
    ["exists false", { exists: false }, "x", false],
    ["empty condition", {}, "x", true],
  ])("%s", (_label, condition, value, expected) => {
    expect(evaluateCondition(condition, value)).toBe(expected);
  });
});

describe("evaluateCondition on a missing value", () => {
  it.each<[ConditionSpec, boolean]>([
    [{ exists: false }, true],
    [{ exists: true }, false],
    [{ ne: "x" }, true],
    [{ not_in: ["x"] }, true],
    [{ eq: "x" }, false],
    [{ eq: null }, false],
    [{ in: ["x", null] }, false],
    [{ lt: 1 }, false],
    [{ lte: 1 }, false],
    [{ gt: 1 }, false],
    [{ gte: 1 }, false],
    [{ regex: ".*" }, false],
    [{ regex: "undefined" }, false],
  ])("%j holds: %s", (condition, expected) => {
    expect(evaluateCondition(condition, undefined)).toBe(expected);
  });
});

describe("several operators in one condition", () => {
  it.each<[ConditionSpec, unknown, boolean]>([
    [{ gte: 1, lte: 10 }, 5, true],
    [{ gte: 1, lte: 10 }, 0, false],
    [{ gte: 1, lte: 10 }, 11, false],
    [{ exists: true, ne: "safe" }, "risky", true],
    [{ exists: true, ne: "safe" }, "safe", false],
    [{ exists: true, ne: "safe" }, undefined, false],
    [{ regex: "^prod", not_in: ["prod-sandbox"] }, "prod-eu", true],
    [{ regex: "^prod", not_in: ["prod-sandbox"] }, "prod-sandbox", false],
    [{ ne: "a", not_in: ["b"] }, undefined, true],
  ])("%j on %j holds: %s", (condition, value, expected) => {
    expect(evaluateCondition(condition, value)).toBe(expected);
  });

  it("ignores operators whose operand is undefined", () => {
    expect(evaluateCondition({ eq: undefined, gt: 1 }, 2)).toBe(true);
  });
});

describe("compileWhen", () => {
  const when = {
    "args.operation": { in: ["delete", "batch_delete"] },
    "args.config.region": { regex: "^eu-" },
    agent: { eq: "ci-bot" },
  };

  it("holds when every condition holds", () => {
    const conditions = compileWhen(when, "when");
    expect(conditions.map((condition) => condition.path)).toEqual(Object.keys(when));
    expect(conditions.every((condition) => condition.holds(call))).toBe(true);
  });

  it.each([
    [
      "operation",
      callOf("t", { operation: "create", config: { region: "eu-west-1" } }, { agentId: "ci-bot" }),
    ],
    ["region", callOf("t", { operation: "delete", config: { region: "us-east-1" } }, { agentId: "ci-bot" })],
    ["agent", callOf("t", { operation: "delete", config: { region: "eu-west-1" } }, { agentId: "human" })],
  ])("fails when the %s condition fails", (_label, other) => {
    const conditions = compileWhen(when, "when");
    expect(conditions.filter((condition) => !condition.holds(other))).toHaveLength(1);
  });

  it("compiles nothing for an absent when", () => {
    expect(compileWhen(undefined, "when")).toEqual([]);
  });

  it("compiles a condition once and reuses its regex", () => {
    const test = compileCondition({ regex: "^a" }, "c");
    expect([test("ab"), test("ab"), test("ba")]).toEqual([true, true, false]);
  });
});
