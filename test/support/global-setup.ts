import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { servicesScript } from "./services.js";

/**
 * Starts one private Redis and PostgreSQL for the whole run (unless TEST_REDIS_URL and
 * TEST_DATABASE_URL point at servers already running). Each test file then makes its own
 * database and key prefix, so files can run in parallel.
 */
export function setup(project: TestProject): () => void {
  const given = { redis: process.env.TEST_REDIS_URL, database: process.env.TEST_DATABASE_URL };
  if (given.redis && given.database) {
    project.provide("redisUrl", given.redis);
    project.provide("databaseUrl", given.database);
    return () => undefined;
  }
  const dir = mkdtempSync(path.join(tmpdir(), "mag-test-services-"));
  const output = execFileSync("bash", [servicesScript, "start", dir], { encoding: "utf8" });
  const urls = Object.fromEntries(
    output
      .trim()
      .split("\n")
      .map((line) => line.split("=", 2) as [string, string]),
  );
  project.provide("redisUrl", urls.REDIS_URL ?? "");
  project.provide("databaseUrl", urls.DATABASE_URL ?? "");
  return () => {
    execFileSync("bash", [servicesScript, "stop", dir]);
    rmSync(dir, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
    databaseUrl: string;
  }
}
