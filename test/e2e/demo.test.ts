import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, sharedRedisUrl } from "../support/services.js";
import { createMigratedDatabase, repoRoot } from "../support/gateway-harness.js";
import type { TestDatabase } from "../support/services.js";

describe("npm run demo", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createMigratedDatabase();
  });

  afterAll(async () => {
    await database?.drop();
  });

  it("runs the demo agent through the gateway and shows each kind of decision", async () => {
    const port = await freePort();
    const result = spawnSync("bash", ["scripts/demo.sh", "--once"], {
      cwd: repoRoot,
      env: { ...process.env, REDIS_URL: sharedRedisUrl(), DATABASE_URL: database.url, PORT: String(port) },
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(`http://127.0.0.1:${port}/mcp/sagemaker`);
    expect(result.stdout).toMatch(/tools\/list: .*list_endpoints/);
    expect(result.stdout).not.toMatch(/tools\/list: .*delete_endpoint/);
    expect(result.stdout).toMatch(/ok +list_endpoints/);
    expect(result.stdout).toMatch(/rule "no-deletes"/);
    expect(result.stdout).toMatch(/rule "stacks-delete"/);
    expect(result.stdout).toMatch(/Rate limited by the gateway policy \(rule "throttle"\)/);
  });
});
