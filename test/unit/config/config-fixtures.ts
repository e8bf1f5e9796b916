import path from "node:path";
import { expect } from "vitest";
import { ErrorCode, GatewayError } from "../../../src/errors.js";

export const fixturesDir = path.resolve(import.meta.dirname, "../../fixtures/config");

export function fixturePath(name: string): string {
  return path.join(fixturesDir, name);
}

/** The smallest valid document, for tests that add or override one setting. */
export const minimalYaml = [
  'redis: { url: "redis://127.0.0.1:6379" }',
  'database: { url: "postgresql://127.0.0.1:5432/gateway" }',
  "upstreams: { tools: { command: node } }",
  "agents: [{ id: ci-bot, token: a-token-of-sixteen-plus-chars }]",
  "",
].join("\n");

/** The error `load` throws; fails the test when it returns instead. */
export function thrownBy(load: () => unknown): GatewayError {
  let result: unknown;
  try {
    result = load();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error(`expected the config to be rejected, but it loaded: ${JSON.stringify(result)}`);
}

/** The lines of a CONFIG_INVALID message. */
export function problemsOf(load: () => unknown): string[] {
  const error = thrownBy(load);
  expect(error.code).toBe(ErrorCode.ConfigInvalid);
  return error.message.split("\n");
}
