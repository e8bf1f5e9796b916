import type { z } from "zod";
import { closestMatch } from "./did-you-mean.js";
import { describeFound } from "./found-value.js";
import type { KeyPath } from "./key-path.js";

type RawIssue = z.core.$ZodRawIssue;

/** Params of a custom issue that says what a value should have been. */
export interface ExpectationParams {
  /** Completes "expected …", e.g. `a duration such as 500ms`. */
  readonly expected: string;
  /** Why the value was rejected, when more specific than `expected` (e.g. a regex compile error). */
  readonly reason?: string;
  /** Where the value came from when it was not the config file, e.g. `the environment variable PORT`. */
  readonly source?: string;
  /** Replaces "but the key is missing" when absence has a more precise explanation. */
  readonly missing?: string;
}

/** Params of the custom issue raised for a key the schema does not know. */
export interface UnknownKeyParams {
  readonly unknownKey: { readonly noun: string; readonly known: readonly string[] };
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  object: "a mapping",
  record: "a mapping",
  map: "a mapping",
  array: "a list",
  tuple: "a list",
  null: "an empty value",
};

/** Error map giving every validation issue a plain-English message that says what was expected and found. */
export function describeIssue(issue: RawIssue): string {
  const path: KeyPath = issue.path ?? [];
  switch (issue.code) {
    case "invalid_type":
      return expectation({ expected: TYPE_NAMES[issue.expected] ?? "a value" }, issue.input, path);
    case "invalid_value":
      return expectation(
        { expected: `one of ${issue.values.map(showLiteral).join(", ")}` },
        issue.input,
        path,
      );
    case "too_small":
      return describeBound("at least", issue.minimum, issue.origin, issue.input);
    case "too_big":
      return describeBound("at most", issue.maximum, issue.origin, issue.input);
    case "invalid_format":
      return expectation({ expected: `a string in ${issue.format} format` }, issue.input, path);
    case "unrecognized_keys":
      return `unknown ${issue.keys.length === 1 ? "key" : "keys"} ${issue.keys.map(showLiteral).join(", ")}`;
    case "custom":
      return describeCustom(issue.params, issue.input, path);
    default:
      return expectation({ expected: "a different value" }, issue.input, path);
  }
}

/** `expected <what>, got <found>`, or why nothing was found. */
export function expectation(params: ExpectationParams, input: unknown, path: KeyPath): string {
  if (input === undefined) {
    return `expected ${params.expected}, but ${params.missing ?? "the key is missing"}`;
  }
  const reason = params.reason === undefined ? "" : ` (${params.reason})`;
  const source = params.source === undefined ? "" : ` from ${params.source}`;
  return `expected ${params.expected}, got ${describeFound(input, path)}${source}${reason}`;
}

function describeCustom(
  params: Readonly<Record<string, unknown>> | undefined,
  input: unknown,
  path: KeyPath,
) {
  if (isUnknownKeyParams(params)) return describeUnknownKey(params, path);
  if (isExpectationParams(params)) return expectation(params, input, path);
  return expectation({ expected: "a different value" }, input, path);
}

function describeUnknownKey({ unknownKey }: UnknownKeyParams, path: KeyPath): string {
  const key = path.at(-1);
  const suggestion = typeof key === "string" ? closestMatch(key, unknownKey.known) : undefined;
  if (suggestion !== undefined)
    return `unknown ${unknownKey.noun}, did you mean ${JSON.stringify(suggestion)}?`;
  return `unknown ${unknownKey.noun}, expected one of ${unknownKey.known.join(", ")}`;
}

function isUnknownKeyParams(params: unknown): params is UnknownKeyParams {
  return typeof params === "object" && params !== null && "unknownKey" in params;
}

function isExpectationParams(params: unknown): params is ExpectationParams {
  return (
    typeof params === "object" &&
    params !== null &&
    "expected" in params &&
    typeof params.expected === "string"
  );
}

function describeBound(
  limit: "at least" | "at most",
  bound: number | bigint,
  origin: string,
  input: unknown,
) {
  if (typeof input === "string" || Array.isArray(input)) {
    const unit = origin === "string" ? "characters" : "items";
    return `expected ${limit} ${String(bound)} ${unit}, got ${input.length}`;
  }
  return `expected a number ${limit} ${String(bound)}, got ${String(input)}`;
}

function showLiteral(value: unknown): string {
  return typeof value === "string" ? value : String(value);
}
