import { readFileSync } from "node:fs";
import path from "node:path";
import type { z } from "zod";
import { describeError, ErrorCode, GatewayError } from "../errors.js";
import { substituteEnv, type SubstitutionProblem } from "./env-substitution.js";
import { describeIssue } from "./issue-messages.js";
import { formatKeyPath, type KeyPath } from "./key-path.js";
import { gatewayConfigSchema } from "./schema.js";
import type { GatewayConfig } from "./types.js";
import { parseYamlDocument } from "./yaml-document.js";

/**
 * Reads and validates the config file. Throws {@link ErrorCode.ConfigNotFound} when the file is
 * missing and {@link ErrorCode.ConfigInvalid} listing every problem, one per line, otherwise.
 */
export function loadConfig(configPath: string, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return parseConfig(readConfigFile(configPath), configPath, env);
}

/**
 * Validates config text as if read from `sourcePath` (which names the file in messages and
 * anchors relative paths). `${NAME}` references are resolved from `env`.
 */
export function parseConfig(
  text: string,
  sourcePath: string,
  env: NodeJS.ProcessEnv = process.env,
): GatewayConfig {
  const document = parseYamlDocument(text, sourcePath);
  if (document === null || document === undefined) {
    throw invalid([`${sourcePath}: the config file is empty; expected a mapping of settings`]);
  }
  const substituted = substituteEnv(document, env);
  const schema = gatewayConfigSchema({ sourcePath: path.resolve(sourcePath), env });
  const result = schema.safeParse(substituted.value, { error: describeIssue });
  const issues = result.success ? [] : withoutSubstitutionEchoes(result.error.issues, substituted.problems);
  const problems = [...substituted.problems, ...issues];
  if (!result.success || problems.length > 0) {
    throw invalid(problems.map((problem) => formatProblem(sourcePath, problem.path, problem.message)));
  }
  return result.data;
}

function readConfigFile(configPath: string): string {
  try {
    return readFileSync(configPath, "utf8");
  } catch (error) {
    throw readError(configPath, error);
  }
}

function readError(configPath: string, error: unknown): GatewayError {
  const code = error instanceof Error && "code" in error ? error.code : undefined;
  if (code === "ENOENT") {
    const message = `${configPath}: config file not found (looked for ${path.resolve(configPath)}); pass --config <path>`;
    return new GatewayError(ErrorCode.ConfigNotFound, message, { cause: error });
  }
  if (code === "EISDIR") return invalid([`${configPath}: is a directory, expected a YAML config file`]);
  const message = `${configPath}: cannot read the config file: ${describeError(error)}`;
  return new GatewayError(ErrorCode.ConfigInvalid, message, { cause: error });
}

// A value whose `${VAR}` could not be resolved is reported once, for the variable, not again for its content.
function withoutSubstitutionEchoes(
  issues: readonly z.core.$ZodIssue[],
  problems: readonly SubstitutionProblem[],
): z.core.$ZodIssue[] {
  return issues.filter((issue) => !problems.some((problem) => isWithin(issue.path, problem.path)));
}

function isWithin(path: KeyPath, ancestor: KeyPath): boolean {
  return ancestor.length <= path.length && ancestor.every((segment, index) => path[index] === segment);
}

function formatProblem(sourcePath: string, keyPath: KeyPath, message: string): string {
  return keyPath.length === 0
    ? `${sourcePath}: ${message}`
    : `${sourcePath}: ${formatKeyPath(keyPath)}: ${message}`;
}

function invalid(lines: readonly string[]): GatewayError {
  return new GatewayError(ErrorCode.ConfigInvalid, lines.join("\n"));
}
