import type { KeyPath } from "./key-path.js";

/** A reference that could not be replaced, reported against the value that holds it. */
export interface SubstitutionProblem {
  readonly path: KeyPath;
  readonly message: string;
}

export interface SubstitutionResult {
  /** The document with every resolvable reference replaced; unresolvable ones are left as written. */
  readonly value: unknown;
  readonly problems: readonly SubstitutionProblem[];
}

// `$${` first so an escaped reference is never read as a real one; a bare `${` is unterminated.
const REFERENCE = /\$\$\{|\$\{([^}]*)\}|\$\{/g;
const REFERENCE_BODY = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;
const USAGE = "expected ${NAME} or ${NAME:-default}; write $${ for a literal ${";

/**
 * Replaces `${NAME}` and `${NAME:-default}` in every string value of a parsed document (keys are
 * left alone); `$${` stands for a literal `${`. As in the shell, the default also applies when
 * the variable is set but empty. Runs after YAML parsing, so secrets cannot break the syntax.
 */
export function substituteEnv(document: unknown, env: NodeJS.ProcessEnv): SubstitutionResult {
  const problems: SubstitutionProblem[] = [];
  const value = substituteNode(document, [], env, problems);
  return { value, problems };
}

function substituteNode(
  node: unknown,
  path: KeyPath,
  env: NodeJS.ProcessEnv,
  problems: SubstitutionProblem[],
): unknown {
  if (typeof node === "string") {
    const result = substituteString(node, env);
    problems.push(...result.problems.map((message) => ({ path, message })));
    return result.text;
  }
  if (Array.isArray(node)) {
    return node.map((item: unknown, index) => substituteNode(item, [...path, index], env, problems));
  }
  if (isMapping(node)) {
    // fromEntries defines own properties, so a `__proto__` key stays an ordinary key.
    return Object.fromEntries(
      Object.entries(node).map(([key, item]) => [key, substituteNode(item, [...path, key], env, problems)]),
    );
  }
  return node;
}

/** One string with its references replaced, and what could not be replaced. */
export function substituteString(
  text: string,
  env: NodeJS.ProcessEnv,
): { readonly text: string; readonly problems: readonly string[] } {
  const problems: string[] = [];
  const replaced = text.replace(REFERENCE, (match: string, body: string | undefined) => {
    if (match === "$${") return "${";
    const resolution = resolveReference(match, body, env);
    if (typeof resolution === "string") return resolution;
    problems.push(resolution.problem);
    return match;
  });
  return { text: replaced, problems };
}

function resolveReference(
  match: string,
  body: string | undefined,
  env: NodeJS.ProcessEnv,
): string | { readonly problem: string } {
  if (body === undefined) return { problem: `unterminated "\${": ${USAGE}` };
  const parsed = REFERENCE_BODY.exec(body);
  const name = parsed?.[1];
  if (!parsed || name === undefined)
    return { problem: `malformed reference ${JSON.stringify(match)}: ${USAGE}` };
  const fallback = parsed[2];
  if (fallback?.includes("${")) {
    return { problem: `nested reference in the default of ${JSON.stringify(match)} is not supported` };
  }
  const current = env[name];
  if (current !== undefined && current !== "") return current;
  if (fallback !== undefined) return fallback;
  if (current !== undefined) return current;
  return { problem: `environment variable ${name} is not set` };
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
