import { z } from "zod";
import { ErrorCode, GatewayError } from "../errors.js";
import { maxPageLimit } from "./decision-queries.js";
import type { DecisionFilter } from "./decision-query-types.js";

/** The decisions the gateway records (the `decision` column). */
export const decisionKinds = ["allow", "deny", "rate_limited", "require_approval", "unavailable"] as const;

const maxTextParam = 500;
const text = z.string().min(1, "must not be empty").max(maxTextParam, `at most ${maxTextParam} characters`);

// A date-time with its zone (`2026-03-10T12:00:00Z`, `…+02:00`) or a UTC day (`2026-03-10`).
const instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], {
    error: "expected an ISO 8601 date-time with a zone (2026-03-10T12:00:00Z) or a date (2026-03-10)",
  })
  .transform((value) => new Date(value));

/**
 * The filter parameters shared by the admin API's query string and the CLI's options,
 * under the same names. Unknown names are refused: a misspelt filter must not silently
 * match everything.
 */
export const decisionFilterParams = {
  agent: text.optional(),
  upstream: text.optional(),
  tool: text.optional(),
  decision: z.enum(decisionKinds, { error: `expected one of ${decisionKinds.join(", ")}` }).optional(),
  reviewer: text.optional(),
  from: instant.optional(),
  to: instant.optional(),
  q: text.optional(),
};

/** A positive whole number written in decimal, at most `max`. */
export function countParam(max: number) {
  const expected = `expected a whole number from 1 to ${max}`;
  return z
    .string()
    .regex(/^\d{1,7}$/, expected)
    .transform(Number)
    .pipe(z.number().min(1, expected).max(max, expected));
}

/** Paging through the history: page size and the previous page's cursor. */
export const decisionPageParams = {
  limit: countParam(maxPageLimit).optional(),
  cursor: z.string().min(1).max(512).optional(),
};

type FilterParams = z.infer<z.ZodObject<typeof decisionFilterParams>>;

/** The query filter the parsed parameters stand for. */
export function toDecisionFilter(params: FilterParams): DecisionFilter {
  const { q, ...rest } = params;
  return dropUndefined({ ...rest, text: q });
}

/**
 * Parses parameters against a strict schema; a `BadRequest` error names the offending
 * parameter as the caller knows it (`name` for a query string, `--name` for the CLI).
 */
export function parseParams<Shape extends z.ZodRawShape>(
  shape: Shape,
  input: Record<string, unknown>,
  nameOf: (key: string) => string = (key) => `\`${key}\``,
): z.infer<z.ZodObject<Shape, z.core.$strict>> {
  const parsed = z.strictObject(shape).safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => describeIssue(issue, nameOf));
  throw new GatewayError(ErrorCode.BadRequest, problems.join("; "));
}

function describeIssue(issue: z.core.$ZodIssue, nameOf: (key: string) => string): string {
  if (issue.code === "unrecognized_keys") {
    return `unknown parameter${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map(nameOf).join(", ")}`;
  }
  const name = nameOf(issue.path.map(String).join("."));
  if (issue.code === "invalid_type" && issue.expected === "string") return `${name}: expected one value`;
  return `${name}: ${issue.message}`;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
