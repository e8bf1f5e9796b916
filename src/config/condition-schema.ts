import { z } from "zod";
import type { ConditionSpec } from "../policy/types.js";
import {
  isMapping,
  list,
  mappingOf,
  scalar,
  strictObject,
  withCheck,
  type Finding,
} from "./field-schemas.js";
import { flag, numberOrString, regularExpression } from "./scalar-kinds.js";

// `args` alone is the whole argument object; `args.a.0` reaches into it.
const CONDITION_PATH = /^(?:args(?:\.[^.]+)*|agent|upstream|tool)$/;

const operatorsSchema = withCheck(
  strictObject(
    {
      eq: z.unknown().optional(),
      ne: z.unknown().optional(),
      in: list(z.unknown(), { expected: "a list of values" }).optional(),
      not_in: list(z.unknown(), { expected: "a list of values" }).optional(),
      lt: scalar(numberOrString).optional(),
      lte: scalar(numberOrString).optional(),
      gt: scalar(numberOrString).optional(),
      gte: scalar(numberOrString).optional(),
      regex: scalar(regularExpression).optional(),
      exists: scalar(flag).optional(),
    },
    {
      expected: "an operator mapping such as { in: [a, b] } or a single value to compare with",
      noun: "operator",
    },
  ),
  checkHasOperator,
);

/** One condition: a mapping of operators, or a bare scalar meaning `eq`. */
const conditionSchema = z.preprocess(
  (value) => (isScalar(value) ? { eq: value } : value),
  operatorsSchema.transform((operators): ConditionSpec => operators),
);

/** A rule's `when`: conditions keyed by the path of the value they test. */
export const whenSchema = withCheck(
  mappingOf(conditionSchema, "a mapping of paths to conditions"),
  checkPaths,
);

function checkHasOperator(value: unknown): Finding[] {
  if (!isMapping(value) || Object.keys(value).length > 0) return [];
  return [
    { path: [], message: "expected at least one operator such as eq, in or regex, got an empty mapping" },
  ];
}

function checkPaths(value: unknown): Finding[] {
  if (!isMapping(value)) return [];
  return Object.keys(value)
    .filter((path) => !CONDITION_PATH.test(path))
    .map((path) => ({
      path: [path],
      message:
        'unknown condition path, expected "args", "args.<name>" (dotted), "agent", "upstream" or "tool"',
    }));
}

function isScalar(value: unknown): boolean {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}
