import { z } from "zod";
import { expectation, type ExpectationParams, type UnknownKeyParams } from "./issue-messages.js";
import type { KeyPath } from "./key-path.js";
import type { ScalarKind } from "./scalar-kinds.js";

/** A schema for one scalar of the given kind; a missing key is an error unless made optional. */
export function scalar<T>(kind: ScalarKind<T>) {
  return z.unknown().transform((input, ctx): T => {
    const value = input === undefined ? undefined : kind.parse(input);
    if (value !== undefined) return value;
    ctx.addIssue(expectationIssue({ expected: kind.expected, reason: kind.explain?.(input) }));
    return z.NEVER;
  });
}

/**
 * A scalar that falls back to an environment variable when the key is absent, then to `fallback`;
 * without a fallback, one or the other must be set.
 */
export function scalarOrEnv<T>(kind: ScalarKind<T>, env: NodeJS.ProcessEnv, variable: string, fallback?: T) {
  // Optional on the way in, so an absent key is not an error before the environment is consulted.
  return z
    .unknown()
    .optional()
    .transform((input, ctx): T => {
      const fromEnv = env[variable] === "" ? undefined : env[variable];
      const given = input ?? fromEnv;
      const value = given === undefined ? fallback : kind.parse(given);
      if (value !== undefined) return value;
      const source = input === undefined ? `the environment variable ${variable}` : undefined;
      const missing = `neither this key nor the environment variable ${variable} is set`;
      ctx.addIssue({
        ...expectationIssue({ expected: kind.expected, reason: kind.explain?.(given), source, missing }),
        input: given,
      });
      return z.NEVER;
    });
}

/**
 * A mapping that rejects keys it does not know (so typos are reported), each as its own issue.
 * `expected` describes the mapping when the value is not one at all.
 */
export function strictObject<Shape extends z.core.$ZodLooseShape>(
  shape: Shape,
  { expected = "a mapping", noun = "key" }: { readonly expected?: string; readonly noun?: string } = {},
) {
  const params: UnknownKeyParams = { unknownKey: { noun, known: Object.keys(shape) } };
  const unknownKey = z.unknown().superRefine((_value, ctx) => ctx.addIssue({ code: "custom", params }));
  return z
    .object(shape, {
      error: (issue) =>
        issue.code === "invalid_type" ? expectation({ expected }, issue.input, issue.path ?? []) : undefined,
    })
    .catchall(unknownKey);
}

/**
 * A list, described as `expected` when the value is not one; with `nonEmpty` (e.g. "at least
 * one agent") an empty list is an error too.
 */
export function list<Item extends z.ZodType>(
  item: Item,
  { expected, nonEmpty }: { readonly expected: string; readonly nonEmpty?: string },
) {
  const schema = z.array(item, {
    error: (issue) =>
      issue.code === "invalid_type" ? expectation({ expected }, issue.input, issue.path ?? []) : undefined,
  });
  if (nonEmpty === undefined) return schema;
  return schema.superRefine((items, ctx) => {
    if (items.length === 0) ctx.addIssue(expectationIssue({ expected: nonEmpty }));
  });
}

/** A mapping from free-form names to values of one schema, described as `expected` when it is not a mapping. */
export function mappingOf<Value extends z.ZodType>(value: Value, expected: string) {
  return z.record(z.string(), value, {
    error: (issue) =>
      issue.code === "invalid_type" ? expectation({ expected }, issue.input, issue.path ?? []) : undefined,
  });
}

/** A mapping from names to scalars of one kind, such as environment variables or headers. */
export function scalarMap<T>(kind: ScalarKind<T>, expected: string) {
  return mappingOf(scalar(kind), expected);
}

/**
 * An optional block: absent, or present with every line under it commented out (null), it
 * means "all defaults", and the block schema sees an empty mapping.
 */
export function optionalBlock<Block extends z.ZodType>(block: Block) {
  return z.preprocess((value) => value ?? {}, block);
}

/** Something a cross-field check found wrong, relative to the value checked. */
export interface Finding {
  readonly path: KeyPath;
  readonly message: string;
}

/**
 * Adds a check across several fields that runs even when some fields are invalid, so one
 * load reports every problem. The check sees each field as parsed where parsing succeeded and
 * as written elsewhere, so it must not trust the value's shape.
 */
export function withCheck<Schema extends z.ZodType>(
  schema: Schema,
  check: (value: unknown) => readonly Finding[],
): Schema {
  return schema.superRefine(
    (value, ctx) => {
      for (const finding of check(value)) {
        ctx.addIssue({ code: "custom", message: finding.message, path: [...finding.path] });
      }
    },
    { when: () => true },
  );
}

function expectationIssue(params: ExpectationParams) {
  return { code: "custom", params } as const;
}

export function isMapping(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export interface Duplicate<Key> {
  readonly index: number;
  /** Index of the earlier item with the same key. */
  readonly first: number;
  readonly key: Key;
}

/** Items whose key an earlier item already has; items without a key are skipped. */
export function findDuplicates<Key>(
  items: readonly unknown[],
  keyOf: (item: unknown) => Key | undefined,
): Duplicate<Key>[] {
  const firstByKey = new Map<Key, number>();
  const found: Duplicate<Key>[] = [];
  items.forEach((item, index) => {
    const key = keyOf(item);
    if (key === undefined) return;
    const first = firstByKey.get(key);
    if (first === undefined) firstByKey.set(key, index);
    else found.push({ index, first, key });
  });
  return found;
}

/** The string under `key` of a mapping written in the config, if it is one. */
export function stringField(value: unknown, key: string): string | undefined {
  if (!isMapping(value)) return undefined;
  const field = value[key];
  return typeof field === "string" ? field : undefined;
}
