import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliPath, repoRoot } from "../support/gateway-harness.js";
import { createEmptyDatabase, withClient } from "../support/services.js";

const dir = mkdtempSync(path.join(tmpdir(), "mag-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], env: Record<string, string | undefined> = {}) {
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: repoRoot,
    env: {
      ...process.env,
      REDIS_URL: "redis://127.0.0.1:1",
      DATABASE_URL: "postgresql://x@127.0.0.1:1/x",
      ...env,
    },
    encoding: "utf8",
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function configFile(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

const validBase = `
upstreams:
  sagemaker: { command: node, args: [examples/upstream/server.js] }
agents:
  - { id: ci-bot, token: "ci-bot-token-0123456789abcdef" }
`;

describe("mcp-approval-gateway start refuses bad config files with a clear message", () => {
  const cases: Array<{
    kind: string;
    text?: string;
    env?: Record<string, string | undefined>;
    expected: RegExp[];
  }> = [
    { kind: "missing file", expected: [/missing-file\.yaml/, /not found/i] },
    { kind: "YAML syntax", text: "upstreams: [unclosed\n", expected: [/yaml-syntax\.yaml/, /line \d+/i] },
    {
      kind: "unknown key",
      text: `${validBase}policy: { default: allow, rulez: [] }\n`,
      expected: [/unknown-key\.yaml/, /policy\.rulez/],
    },
    {
      kind: "wrong type",
      text: `${validBase}server: { port: "eighty" }\npolicy: { default: allow }\n`,
      expected: [/wrong-type\.yaml/, /server\.port/],
    },
    {
      kind: "bad duration",
      text: `${validBase}policy:\n  default: allow\n  rules:\n    - { id: t, tool: "*", action: rate_limit, rate_limit: { max: 1, window: sixty } }\n`,
      expected: [/bad-duration\.yaml/, /policy\.rules\[0\]\.rate_limit\.window/, /duration/],
    },
    {
      kind: "unset env var",
      text: `upstreams:\n  s: { command: node }\nagents:\n  - { id: a, token: "\${CLI_TEST_UNSET_TOKEN}" }\npolicy: { default: allow }\n`,
      env: { CLI_TEST_UNSET_TOKEN: undefined },
      expected: [/unset-env-var\.yaml/, /agents\[0\]\.token/, /CLI_TEST_UNSET_TOKEN/],
    },
    {
      kind: "invalid regex",
      text: `${validBase}policy:\n  default: allow\n  rules:\n    - { id: r, tool: "*", action: deny, when: { "args.name": { regex: "([a-z" } } }\n`,
      expected: [/invalid-regex\.yaml/, /regex/],
    },
  ];

  for (const testCase of cases) {
    it(testCase.kind, () => {
      const name = `${testCase.kind.replaceAll(" ", "-").toLowerCase()}.yaml`;
      const file = testCase.text === undefined ? path.join(dir, name) : configFile(name, testCase.text);
      const result = cli(["start", "--config", file], testCase.env);
      expect(result.status).not.toBe(0);
      for (const pattern of testCase.expected) expect(result.stderr).toMatch(pattern);
      expect(result.stderr).not.toMatch(/at .*\.js:\d+/); // a message, not a stack trace
    });
  }
});

describe("mcp-approval-gateway policy test", () => {
  const file = configFile(
    "policy.yaml",
    `${validBase}policy:
  default: allow
  rules:
    - { id: no-deletes, tool: "delete_*", action: deny, reason: Deletion is disabled for agents, hide: true }
    - id: stacks-delete
      tool: manage_hyperpod_stacks
      when: { "args.operation": { in: [delete, batch_delete] } }
      action: deny
      reason: Stack deletion needs a human
`,
  );

  it("prints the decision and the rule that made it", () => {
    const result = cli([
      "policy",
      "test",
      "--config",
      file,
      "--upstream",
      "sagemaker",
      "--tool",
      "delete_endpoint",
    ]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/decision: deny/);
    expect(result.stdout).toMatch(/rule: +no-deletes/);
    expect(result.stdout).toMatch(/hidden from tools\/list/);
  });

  it("decides on arguments and checks an expectation", () => {
    const args = [
      "policy",
      "test",
      "--config",
      file,
      "--upstream",
      "sagemaker",
      "--tool",
      "manage_hyperpod_stacks",
    ];
    const denied = cli([...args, "--args", '{"operation":"delete"}', "--expect", "deny"]);
    expect(denied.status).toBe(0);
    expect(denied.stdout).toMatch(/rule: +stacks-delete/);
    const allowed = cli([...args, "--args", '{"operation":"describe"}', "--expect", "deny"]);
    expect(allowed.status).toBe(1);
    expect(allowed.stdout).toMatch(/decision: allow/);
  });

  it("rejects arguments that are not a JSON object", () => {
    const result = cli([
      "policy",
      "test",
      "--config",
      file,
      "--upstream",
      "sagemaker",
      "--tool",
      "x",
      "--args",
      "[1]",
    ]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/JSON object/);
  });
});

describe("mcp-approval-gateway migrate", () => {
  it("applies the migrations once and then reports the database up to date", async () => {
    const database = await createEmptyDatabase();
    try {
      const first = cli(["migrate"], { DATABASE_URL: database.url });
      expect(first.status).toBe(0);
      expect(first.stdout).toMatch(/Applied \d+ migration/);
      const second = cli(["migrate"], { DATABASE_URL: database.url });
      expect(second.stdout).toMatch(/up to date/);
      const tables = await withClient(database.url, async (db) =>
        (await db.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).rows.map(
          (row) => row.tablename,
        ),
      );
      expect(tables).toEqual(expect.arrayContaining(["decisions", "_prisma_migrations"]));
    } finally {
      await database.drop();
    }
  });
});
