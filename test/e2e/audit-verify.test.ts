import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cliPath,
  connectAgent,
  createGatewayFixture,
  repoRoot,
  startInProcessGateway,
  type GatewayFixture,
} from "../support/gateway-harness.js";
import { withClient } from "../support/services.js";

function cli(args: string[], env: Record<string, string | undefined> = {}) {
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: undefined, ...env },
    encoding: "utf8",
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("mcp-approval-gateway audit verify", () => {
  let fixture: GatewayFixture;
  const sql = (text: string, params: unknown[] = []) =>
    withClient(fixture.database.url, (client) => client.query(text, params));

  beforeAll(async () => {
    fixture = await createGatewayFixture({
      policy: {
        default: "allow",
        rules: [{ id: "no-keys", tool: "create_api_key", action: "deny", reason: "keys are issued by hand" }],
      },
    });
    const gateway = await startInProcessGateway(fixture);
    const agent = await connectAgent(gateway.url, "sagemaker");
    await agent.callTool({ name: "list_endpoints", arguments: {} });
    await agent.callTool({ name: "create_api_key", arguments: { name: "ci" } });
    await agent.callTool({ name: "list_endpoints", arguments: { region: "eu-west-1" } });
    await agent.close();
    await gateway.close();
  });

  afterAll(async () => {
    await fixture.dispose();
  });

  it("exits 0 and says how many records it verified, from genesis", () => {
    const result = cli(["audit", "verify", "--config", fixture.configPath]);

    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/^OK: 3 records verified \(from genesis\) in \d+ ms\n/);
    expect(result.stdout).toMatch(/Head: 3:[0-9a-f]{64}/);
    expect(result.status).toBe(0);
  });

  it("takes the database from DATABASE_URL or --database-url too", () => {
    expect(cli(["audit", "verify"], { DATABASE_URL: fixture.database.url }).status).toBe(0);
    expect(cli(["audit", "verify", "--database-url", fixture.database.url]).status).toBe(0);
  });

  it("exits 1 naming the first altered record, and 1 again for a deletion at the end given the head", async () => {
    const head = /Head: (\S+)/.exec(cli(["audit", "verify", "--config", fixture.configPath]).stdout)?.[1];
    const { rows } = await sql(`SELECT id FROM decisions WHERE seq = 2`);
    const deniedId = (rows[0] as { id: string }).id;
    await sql(`UPDATE decisions SET decision = 'allow', reason = NULL WHERE seq = 2`);

    const altered = cli(["audit", "verify", "--config", fixture.configPath]);
    expect(altered.status).toBe(1);
    expect(altered.stderr).toContain(`FAILED: altered record at seq 2 (id ${deniedId})`);
    expect(altered.stderr).toContain("its content was changed after it was written");
    expect(altered.stderr).toMatch(/1 records verified before it \(from genesis\)/);

    await sql(`DELETE FROM decisions WHERE seq >= 2`);
    expect(cli(["audit", "verify", "--config", fixture.configPath]).status).toBe(0);
    const truncated = cli(["audit", "verify", "--config", fixture.configPath, "--expect-head", head ?? ""]);
    expect(truncated.status).toBe(1);
    expect(truncated.stderr).toContain("FAILED: deleted record at seq 2 (id -)");
    expect(truncated.stderr).toContain("records 2..3 are missing from the end of the chain");
  });

  it("exits 2 with a clear message when it cannot run", () => {
    const noDatabase = cli(["audit", "verify"]);
    expect(noDatabase.status).toBe(2);
    expect(noDatabase.stderr).toContain("No database to verify");

    const badHead = cli([
      "audit",
      "verify",
      "--database-url",
      fixture.database.url,
      "--expect-head",
      "3:xyz",
    ]);
    expect(badHead.status).toBe(2);
    expect(badHead.stderr).toContain("--expect-head must be <seq>:<64 hex digits>");
  });
});

describe("mcp-approval-gateway audit prune", () => {
  it("prunes old records behind an anchor that verify then starts from", async () => {
    const fixture = await createGatewayFixture({ policy: { default: "allow" } });
    try {
      const gateway = await startInProcessGateway(fixture);
      const agent = await connectAgent(gateway.url, "sagemaker");
      for (let call = 0; call < 4; call += 1) await agent.callTool({ name: "list_endpoints", arguments: {} });
      await agent.close();
      await gateway.close();
      await withClient(fixture.database.url, (client) =>
        client.query(`UPDATE decisions SET created_at = now() - interval '100 days' WHERE seq <= 2`),
      );

      const pruned = cli(["audit", "prune", "--older-than", "90d", "--config", fixture.configPath]);
      expect(pruned.stdout).toMatch(
        /^Pruned 2 decision records created before \S+; verification now starts at seq 3\./,
      );
      expect(pruned.status).toBe(0);

      const verified = cli(["audit", "verify", "--config", fixture.configPath]);
      expect(verified.stdout).toMatch(
        /^OK: 2 records verified \(from anchor at seq 3, 2 pruned before \S+\)/,
      );
      expect(verified.status).toBe(0);
    } finally {
      await fixture.dispose();
    }
  });
});
