import fc from "fast-check";
import type {
  ApprovalSpec,
  ConditionSpec,
  PolicySpec,
  RateLimitSpec,
  RuleSpec,
  ToolCall,
} from "../../../src/policy/types.js";

/**
 * Random policies and calls over small alphabets, so that globs, names and argument values
 * collide often enough for rules to match, miss and shadow each other.
 */

/** Characters of names, and the literal characters of globs (none of them glob syntax). */
const nameCharacters = ["a", "b", "_", ".", "-", "/", " ", "é", "\n"];

export const nameArb = fc.string({ unit: fc.constantFrom(...nameCharacters), maxLength: 4 });

const literalArb = fc.constantFrom(...nameCharacters);
const wildcardArb = fc.constantFrom("*", "?");
const alternativeArb = fc
  .array(fc.oneof({ arbitrary: literalArb, weight: 3 }, { arbitrary: wildcardArb, weight: 1 }), {
    minLength: 1,
    maxLength: 2,
  })
  .map((parts) => parts.join(""));
// picomatch reads `..` inside braces as a range (`{a..c}`; `{b..,x}` becomes `[,-x]`), which
// the documented glob syntax does not have: braces with `..` are left out, and reported.
const braceArb = fc
  .array(alternativeArb, { minLength: 2, maxLength: 3 })
  .map((alternatives) => `{${alternatives.join(",")}}`)
  .filter((brace) => !brace.includes(".."));

/** `*`, `?`, `{a,b}` and literal characters, or a plain name; never blank (the config refuses those). */
export const globArb = fc
  .oneof(
    { arbitrary: nameArb, weight: 2 },
    {
      arbitrary: fc
        .array(
          fc.oneof(
            { arbitrary: literalArb, weight: 4 },
            { arbitrary: wildcardArb, weight: 2 },
            { arbitrary: braceArb, weight: 1 },
          ),
          {
            minLength: 1,
            maxLength: 4,
          },
        )
        .map((parts) => parts.join("")),
      weight: 3,
    },
    { arbitrary: fc.constant("*"), weight: 1 },
  )
  .filter((glob) => glob.trim() !== "");

const argumentKeyArb = fc.constantFrom("x", "y", "0", "1", "a.b");
const scalarArb = fc.oneof(
  fc.integer({ min: -2, max: 2 }),
  fc.constantFrom(0.5, -0, 1e21),
  fc.constantFrom("", "a", "b", "1", "ab", "true", "é"),
  fc.boolean(),
  fc.constant(null),
);

/** JSON-like argument values: scalars, and arrays and objects of them, a few levels deep. */
export const valueArb: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalarArb,
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(argumentKeyArb, tie("value"), { maxKeys: 3, noNullPrototype: true }),
  ),
})).value;

export const argsArb = fc.dictionary(argumentKeyArb, valueArb, { maxKeys: 3, noNullPrototype: true });

const pathArb = fc.constantFrom(
  "agent",
  "upstream",
  "tool",
  "args.x",
  "args.y",
  "args.0",
  "args.x.0",
  "args.x.1",
  "args.x.y",
  "args.y.x.0",
  "args.a.b",
  "args.a",
);
const boundArb = fc.oneof(fc.integer({ min: -2, max: 2 }), fc.constantFrom("", "a", "ab", "b", "1"));
const regexArb = fc.constantFrom(
  "^a",
  "b$",
  "^$",
  "a|b",
  "^[0-9]+$",
  ".",
  "é",
  "^-?1$",
  "^true$",
  "\\n",
  "^a\\.?b",
);

const operandArbs: { readonly [K in keyof Required<ConditionSpec>]: fc.Arbitrary<ConditionSpec[K]> } = {
  eq: valueArb,
  ne: valueArb,
  in: fc.array(valueArb, { maxLength: 3 }),
  not_in: fc.array(valueArb, { maxLength: 3 }),
  lt: boundArb,
  lte: boundArb,
  gt: boundArb,
  gte: boundArb,
  regex: regexArb,
  exists: fc.boolean(),
};
const operators = Object.keys(operandArbs) as (keyof ConditionSpec)[];

/** One to three operators, each with an operand of the type it takes. */
export const conditionArb: fc.Arbitrary<ConditionSpec> = fc
  .uniqueArray(fc.constantFrom(...operators), { minLength: 1, maxLength: 3 })
  .chain((chosen) =>
    fc.tuple(
      ...chosen.map((operator) => operandArbs[operator].map((operand) => [operator, operand] as const)),
    ),
  )
  .map((entries) => Object.fromEntries(entries) as ConditionSpec);

const rateLimitArb: fc.Arbitrary<RateLimitSpec> = fc.record({
  max: fc.integer({ min: 1, max: 100 }),
  windowMs: fc.constantFrom(1_000, 60_000),
  per: fc.constantFrom("session", "agent", "global"),
});

const approvalArb: fc.Arbitrary<ApprovalSpec> = fc.record({
  approvers: fc.array(fc.constantFrom("U1", "U2"), { maxLength: 2 }),
  quorum: fc.integer({ min: 1, max: 2 }),
  timeoutMs: fc.constantFrom(2_000, 600_000),
  onTimeout: fc.constantFrom("deny", "approve"),
  requireReasonOnDeny: fc.boolean(),
});

const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined, freq: 2 });

/** A rule without its id; `ruleSetArb` numbers them. */
const ruleBodyArb = fc
  .record({
    tool: globArb,
    upstream: optional(globArb),
    agent: optional(globArb),
    when: optional(fc.dictionary(pathArb, conditionArb, { minKeys: 1, maxKeys: 2, noNullPrototype: true })),
    action: fc.constantFrom("allow", "deny", "rate_limit", "require_approval"),
    reason: optional(fc.constantFrom("no", "Deletion ‮ is off 🚫")),
    hide: optional(fc.boolean()),
    rateLimit: optional(rateLimitArb),
    approval: optional(approvalArb),
    mode: optional(fc.constantFrom("enforce", "shadow")),
  })
  .map((rule) => withoutUndefined(shapeRule(rule)));

/**
 * Only what the config accepts: rate_limit rules carry a rate limit (any rule may), only
 * require_approval rules an approval block, only deny rules `hide`.
 */
function shapeRule(rule: Omit<RuleSpec, "id">): Omit<RuleSpec, "id"> {
  return {
    ...rule,
    rateLimit:
      rule.action === "rate_limit"
        ? (rule.rateLimit ?? { max: 5, windowMs: 60_000, per: "session" })
        : rule.rateLimit,
    approval: rule.action === "require_approval" ? rule.approval : undefined,
    hide: rule.action === "deny" ? rule.hide : undefined,
  };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}

export const policyArb: fc.Arbitrary<PolicySpec> = fc
  .record({
    default: fc.constantFrom("allow", "deny"),
    mode: optional(fc.constantFrom("enforce", "shadow")),
    rules: fc.array(ruleBodyArb, { maxLength: 6 }),
  })
  .map((policy) =>
    withoutUndefined({
      ...policy,
      rules: policy.rules.map((rule, index) => ({ id: `rule-${index}`, ...rule }) as RuleSpec),
    }),
  );

/** Policies whose deny rules mostly hide, so that hidden tools are common. */
export const hidingPolicyArb: fc.Arbitrary<PolicySpec> = policyArb.map((policy) => ({
  ...policy,
  rules: policy.rules.map((rule) => (rule.action === "deny" ? { ...rule, hide: rule.hide ?? true } : rule)),
}));

export const callArb: fc.Arbitrary<ToolCall> = fc.record({
  upstream: nameArb,
  tool: nameArb,
  agentId: nameArb,
  args: argsArb,
});

/**
 * A call aimed at the policy: half the time random, otherwise with the tool, upstream and agent
 * names spelled out from the globs of one rule (one that `aimAt` picks, when any does), so
 * that rules match (and hide) often.
 */
export function callFor(
  policy: PolicySpec,
  aimAt: (rule: RuleSpec) => boolean = () => true,
): fc.Arbitrary<ToolCall> {
  const preferred = policy.rules.filter(aimAt);
  const targets = preferred.length > 0 ? preferred : policy.rules;
  if (targets.length === 0) return callArb;
  const aimed = fc
    .record({
      rule: fc.integer({ min: 0, max: targets.length - 1 }),
      choices: fc.array(fc.nat(11), { minLength: 12, maxLength: 12 }),
      args: argsArb,
    })
    .map(({ rule, choices, args }): ToolCall => {
      const target = targets[rule] as RuleSpec;
      const spell = (glob: string | undefined) => (glob === undefined ? "a" : spellGlob(glob, [...choices]));
      return {
        tool: spell(target.tool),
        upstream: spell(target.upstream),
        agentId: spell(target.agent),
        args,
      };
    });
  return fc.oneof(callArb, aimed);
}

const starFillings = ["", "a", ".", "b/", "\n", "é_"];

/** A name the glob matches by its documented meaning, chosen by `choices` (consumed). */
function spellGlob(glob: string, choices: number[]): string {
  const next = () => choices.shift() ?? 0;
  let name = "";
  for (let i = 0; i < glob.length; i += 1) {
    const char = glob.charAt(i);
    if (char === "*") name += starFillings[next() % starFillings.length] ?? "";
    else if (char === "?") name += nameCharacters[next() % nameCharacters.length] ?? "a";
    else if (char === "{") {
      const close = glob.indexOf("}", i);
      const alternatives = glob.slice(i + 1, close).split(",");
      name += spellGlob(alternatives[next() % alternatives.length] ?? "", choices);
      i = close;
    } else name += char;
  }
  return name;
}
