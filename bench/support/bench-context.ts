import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TargetContext } from "./allow-targets.js";
import { startServices } from "./services.js";
import type { Teardown } from "./teardown.js";

/**
 * Redis and PostgreSQL (REDIS_URL / DATABASE_URL, or a private pair) and a scratch directory
 * for config files and call logs, all undone by `teardown`.
 */
export function createBenchContext(teardown: Teardown): TargetContext {
  const services = startServices();
  teardown.defer("services", () => services.stop());
  const dir = mkdtempSync(path.join(tmpdir(), "mag-bench-"));
  teardown.defer("scratch directory", () => rmSync(dir, { recursive: true, force: true }));
  return { teardown, redisUrl: services.redisUrl, databaseServerUrl: services.databaseUrl, dir };
}
