import { parseByteSize } from "./byte-size.js";
import { parseDuration } from "./duration.js";

/** A kind of YAML scalar the config accepts, and how it is described when a value is not one. */
export interface ScalarKind<T> {
  /** Completes "expected …" in messages. */
  readonly expected: string;
  /** The value as the gateway uses it, or undefined when the input is not of this kind. */
  parse(input: unknown): T | undefined;
  /** Why a value was rejected, when the expectation alone does not say. */
  explain?(input: unknown): string | undefined;
}

/** A string of at least `minLength` characters. */
export function text(expected = "a non-empty string", minLength = 1): ScalarKind<string> {
  return {
    expected,
    parse: (input) => (typeof input === "string" && input.length >= minLength ? input : undefined),
  };
}

export function matching(pattern: RegExp, expected: string): ScalarKind<string> {
  return {
    expected,
    parse: (input) => (typeof input === "string" && pattern.test(input) ? input : undefined),
  };
}

export function oneOf<const T extends string>(values: readonly T[]): ScalarKind<T> {
  return {
    expected: `one of ${values.join(", ")}`,
    parse: (input) => values.find((value) => value === input),
  };
}

/** Strings, numbers and booleans as strings: values substituted from the environment are strings anyway. */
export const stringValue: ScalarKind<string> = {
  expected: "a string",
  parse: (input) =>
    typeof input === "string" || typeof input === "number" || typeof input === "boolean"
      ? String(input)
      : undefined,
};

/** An integer from `min` to `max`, written as a number or as digits (as `${VAR}` substitution produces). */
export function integer(min: number, max: number, expected: string): ScalarKind<number> {
  return {
    expected,
    parse: (input) => {
      const value = toInteger(input);
      return value !== undefined && value >= min && value <= max ? value : undefined;
    },
  };
}

function toInteger(input: unknown): number | undefined {
  if (typeof input === "number") return Number.isSafeInteger(input) ? input : undefined;
  if (typeof input === "string" && /^-?\d+$/.test(input.trim())) return toInteger(Number(input));
  return undefined;
}

export const flag: ScalarKind<boolean> = {
  expected: "true or false",
  parse: (input) => {
    if (typeof input === "boolean") return input;
    if (input === "true" || input === "false") return input === "true";
    return undefined;
  },
};

/** Milliseconds of a duration; zero only when `allowZero`. */
export function duration({ allowZero }: { readonly allowZero: boolean }): ScalarKind<number> {
  return {
    expected: "a duration such as 500ms, 60s, 10m or 1h",
    parse: (input) => {
      const ms = durationOf(input);
      return ms !== undefined && (allowZero || ms > 0) ? ms : undefined;
    },
    explain: (input) => (durationOf(input) === 0 ? "it must be greater than zero" : undefined),
  };
}

function durationOf(input: unknown): number | undefined {
  return typeof input === "string" || typeof input === "number" ? parseDuration(input) : undefined;
}

export const byteSize: ScalarKind<number> = {
  expected: "a size such as 512kb or 4mb, or a number of bytes",
  parse: (input) => {
    const bytes = typeof input === "string" || typeof input === "number" ? parseByteSize(input) : undefined;
    return bytes !== undefined && bytes > 0 ? bytes : undefined;
  },
};

/** A URL whose scheme is one of `protocols` (each with its trailing colon, as URL reports it). */
export function url(protocols: readonly string[], expected: string): ScalarKind<string> {
  return {
    expected,
    parse: (input) =>
      typeof input === "string" && protocols.includes(protocolOf(input) ?? "") ? input : undefined,
  };
}

function protocolOf(value: string): string | undefined {
  return URL.canParse(value) ? new URL(value).protocol : undefined;
}

export const regularExpression: ScalarKind<string> = {
  expected: "a valid regular expression",
  parse: (input) => (typeof input === "string" && compileError(input) === undefined ? input : undefined),
  explain: (input) => (typeof input === "string" ? compileError(input) : undefined),
};

function compileError(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Left as written: ordering compares numbers with numbers and strings with strings only. */
export const numberOrString: ScalarKind<number | string> = {
  expected: "a number or a string",
  parse: (input) => (typeof input === "number" || typeof input === "string" ? input : undefined),
};

export const sha256Hex: ScalarKind<string> = {
  expected: "a SHA-256 digest of 64 hexadecimal characters",
  parse: (input) =>
    typeof input === "string" && /^[0-9a-fA-F]{64}$/.test(input) ? input.toLowerCase() : undefined,
};
