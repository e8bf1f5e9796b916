import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { compilePolicy, decide, evaluate, isToolHidden } from "../../src/policy/index.js";
import { argsArb, callFor, hidingPolicyArb, policyArb } from "./support/policy-arbitraries.js";
import { reportFigures } from "./support/fault-helpers.js";
import { referenceEvaluate, referenceHidden } from "./support/policy-reference.js";

const decideRuns = 3_000;
const hiddenRuns = 2_000;
const callsPerPolicy = 5;

describe("the policy engine against a naive reference model", () => {
  // Counterexamples the property found: picomatch's shortcut regexes for `.*`, `*.*` and `***`
  // made a `*` match at least one character (fixed with `fastpaths: false` in glob.ts).
  it("lets `*` match nothing in globs picomatch used to shortcut", () => {
    const examples: Array<[glob: string, tool: string]> = [
      [".*", "."],
      ["*.*", "a."],
      ["*.*", ".."],
      ["***", ""],
      ["***", "."],
    ];
    for (const [glob, tool] of examples) {
      const policy = { default: "deny" as const, rules: [{ id: "r", tool: glob, action: "allow" as const }] };
      const call = { upstream: "u", tool, agentId: "a", args: {} };
      expect(decide(compilePolicy(policy), call), `${glob} on ${JSON.stringify(tool)}`).toEqual(
        referenceEvaluate(policy, call).decision,
      );
      expect(decide(compilePolicy(policy), call).rule?.id).toBe("r");
    }
  });

  const figures: string[] = [];
  let counterexamples = 0;
  /** Runs the property; a counterexample is counted, then fails the test with fast-check's report. */
  const checkProperty = <T>(property: fc.IProperty<T>, numRuns: number): void => {
    const details = fc.check(property, { numRuns });
    if (details.failed) counterexamples += 1;
    expect(details.failed, fc.defaultReportMessage(details)).toBe(false);
  };

  afterAll(() => reportFigures("policy property", [...figures, `${counterexamples} counterexamples`]));

  it(`decides like the reference (${decideRuns} random policies × ${callsPerPolicy} calls)`, () => {
    const seen = { ruled: 0, defaulted: 0, shadowed: 0 };
    checkProperty(
      fc.property(
        policyArb.chain((policy) =>
          fc.tuple(
            fc.constant(policy),
            fc.array(callFor(policy), { minLength: callsPerPolicy, maxLength: callsPerPolicy }),
          ),
        ),
        ([policy, calls]) => {
          const compiled = compilePolicy(policy);
          for (const call of calls) {
            const expected = referenceEvaluate(policy, call);
            expect(decide(compiled, call)).toEqual(expected.decision);
            expect(evaluate(compiled, call)).toEqual(expected);
            if (expected.decision.rule) seen.ruled += 1;
            else seen.defaulted += 1;
            if (expected.shadow) seen.shadowed += 1;
          }
        },
      ),
      decideRuns,
    );
    // The generators must exercise every path, or agreement would prove little.
    expect(seen.ruled).toBeGreaterThan(decideRuns / 2);
    expect(seen.defaulted).toBeGreaterThan(decideRuns / 10);
    expect(seen.shadowed).toBeGreaterThan(decideRuns / 20);
    figures.push(
      `decide/evaluate: ${decideRuns} runs, ${decideRuns * callsPerPolicy} calls agree (${seen.ruled} decided by a rule, ${seen.defaulted} by the default, ${seen.shadowed} with a shadow decision)`,
    );
  });

  it(`hides tools like the reference, and every call to a hidden tool is denied (${hiddenRuns} runs)`, () => {
    let hidden = 0;
    checkProperty(
      fc.property(
        hidingPolicyArb.chain((policy) =>
          fc.tuple(
            fc.constant(policy),
            callFor(policy, (rule) => rule.hide === true),
          ),
        ),
        fc.array(argsArb, { minLength: 3, maxLength: 3 }),
        ([policy, call], argsList) => {
          const compiled = compilePolicy(policy);
          const isHidden = isToolHidden(compiled, call);
          expect(isHidden).toBe(referenceHidden(policy, call));
          if (!isHidden) return;
          hidden += 1;
          for (const args of [call.args, ...argsList])
            expect(decide(compiled, { ...call, args }).action).toBe("deny");
        },
      ),
      hiddenRuns,
    );
    expect(hidden).toBeGreaterThan(hiddenRuns / 50);
    figures.push(
      `isToolHidden: ${hiddenRuns} runs agree (${hidden} hidden, each denied for 4 argument sets)`,
    );
  });
});
