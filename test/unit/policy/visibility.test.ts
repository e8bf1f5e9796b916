import { describe, expect, it } from "vitest";
import { isToolHidden } from "../../../src/policy/index.js";
import type { RuleSpec } from "../../../src/policy/types.js";
import { policyOf } from "./fixtures.js";

const target = { upstream: "main", tool: "delete_stack", agentId: "agent-1" };
const hideDeletes: RuleSpec = { id: "hide", tool: "delete_*", action: "deny", hide: true };

const cases: [label: string, rules: RuleSpec[], hidden: boolean][] = [
  ["unconditional hiding deny", [hideDeletes], true],
  ["deny without hide", [{ id: "d", tool: "delete_*", action: "deny" }], false],
  ["hide on a non-deny rule", [{ id: "a", tool: "delete_*", action: "allow", hide: true }], false],
  ["no matching rule", [{ id: "h", tool: "read_*", action: "deny", hide: true }], false],
  ["no rules", [], false],
  ["unconditional allow before it", [{ id: "a", tool: "delete_stack", action: "allow" }, hideDeletes], false],
  [
    "conditional allow before it",
    [{ id: "a", tool: "delete_*", action: "allow", when: { "args.dryRun": { eq: true } } }, hideDeletes],
    false,
  ],
  [
    "conditional approval before it",
    [{ id: "a", tool: "*", action: "require_approval", when: { agent: { eq: "admin" } } }, hideDeletes],
    false,
  ],
  [
    "conditional non-hiding deny before it",
    [{ id: "d", tool: "delete_*", action: "deny", when: { "args.force": { eq: true } } }, hideDeletes],
    false,
  ],
  [
    "conditional hiding deny before it",
    [{ ...hideDeletes, id: "c", when: { "args.force": { eq: true } } }, hideDeletes],
    true,
  ],
  ["only a conditional hiding deny", [{ ...hideDeletes, when: { "args.force": { eq: true } } }], false],
  [
    "conditional hiding deny then unconditional allow",
    [
      { ...hideDeletes, when: { "args.force": { eq: true } } },
      { id: "a", tool: "*", action: "allow" },
    ],
    false,
  ],
  ["non-hiding rule after it", [hideDeletes, { id: "a", tool: "delete_stack", action: "allow" }], true],
  [
    "rule for another upstream before it",
    [{ id: "a", tool: "*", upstream: "other", action: "allow" }, hideDeletes],
    true,
  ],
  ["hiding rule for another upstream", [{ ...hideDeletes, upstream: "other" }], false],
  ["hiding rule for this upstream glob", [{ ...hideDeletes, upstream: "ma*" }], true],
  ["hiding rule for another agent", [{ ...hideDeletes, agent: "bot-*" }], false],
  ["hiding rule for this agent glob", [{ ...hideDeletes, agent: "agent-*" }], true],
  [
    "allow for this agent before it",
    [{ id: "a", tool: "*", agent: "agent-?", action: "allow" }, hideDeletes],
    false,
  ],
  [
    "allow for another agent before it",
    [{ id: "a", tool: "*", agent: "admin", action: "allow" }, hideDeletes],
    true,
  ],
  ["empty when counts as unconditional", [{ ...hideDeletes, when: {} }], true],
];

describe("isToolHidden", () => {
  it.each(cases.map(([label, rules, hidden]) => [label, hidden, rules] as const))(
    "%s: hidden %s",
    (_label, expected, rules) => {
      expect(isToolHidden(policyOf(rules), target)).toBe(expected);
    },
  );

  it("does not hide by the policy default", () => {
    expect(isToolHidden(policyOf([], "deny"), target)).toBe(false);
  });
});
