import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig, parseConfig } from "../../../src/config/index.js";
import { ErrorCode } from "../../../src/errors.js";
import { fixturePath, fixturesDir, minimalYaml, problemsOf, thrownBy } from "./config-fixtures.js";

/** The problems of a fixture loaded with an empty environment. */
function problemsOfFixture(name: string): string[] {
  return problemsOf(() => loadConfig(fixturePath(name), {}));
}

describe("files that cannot be read", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("reports a missing file as CONFIG_NOT_FOUND, naming it as given", () => {
    const error = thrownBy(() => loadConfig("no-such-dir/gateway.yaml", {}));
    expect(error.code).toBe(ErrorCode.ConfigNotFound);
    expect(error.message).toMatch(/^no-such-dir\/gateway\.yaml: config file not found/);
    expect(error.message).toContain(path.resolve("no-such-dir/gateway.yaml"));
  });

  it("reports a directory as CONFIG_INVALID", () => {
    expect(problemsOf(() => loadConfig(fixturesDir, {}))).toEqual([
      `${fixturesDir}: is a directory, expected a YAML config file`,
    ]);
  });

  it("reports an empty file, and a file that is not a mapping", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "mag-config-"));
    dirs.push(dir);
    const empty = path.join(dir, "empty.yaml");
    writeFileSync(empty, "# nothing here yet\n");
    expect(problemsOf(() => loadConfig(empty, {}))).toEqual([
      `${empty}: the config file is empty; expected a mapping of settings`,
    ]);
    expect(problemsOf(() => parseConfig("- server\n- redis\n", "list.yaml", {}))).toEqual([
      "list.yaml: expected a mapping of settings (server, redis, database, upstreams, agents, policy, ...), got a list",
    ]);
  });
});

describe("YAML errors", () => {
  it("gives the file, line and column of a syntax error", () => {
    const file = fixturePath("bad-yaml-syntax.txt");
    expect(problemsOfFixture("bad-yaml-syntax.txt")).toEqual([
      `${file}: line 8, column 12: invalid YAML: Plain value cannot start with reserved character @`,
    ]);
  });

  it("rejects a key given twice in one mapping, where it is repeated", () => {
    const file = fixturePath("bad-yaml-duplicate-key.yaml");
    expect(problemsOfFixture("bad-yaml-duplicate-key.yaml")).toEqual([
      `${file}: line 9, column 3: invalid YAML: Map keys must be unique`,
    ]);
  });

  it("rejects an alias to an anchor that does not exist", () => {
    const problems = problemsOf(() => parseConfig(`${minimalYaml}server: *nowhere\n`, "gateway.yaml", {}));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^gateway\.yaml: invalid YAML: .*nowhere/);
  });
});

describe("one message line per problem: file, key path, what was expected and found", () => {
  it.each([
    [
      "bad-unknown-key.yaml",
      [
        "server.prot: unknown key, expected one of host, port, max_body",
        "policy.rules[0].action: expected one of allow, deny, rate_limit, require_approval, but the key is missing",
        'policy.rules[0].acton: unknown key, did you mean "action"?',
      ],
    ],
    ["bad-port-type.yaml", ['server.port: expected a port number from 0 to 65535, got "abc"']],
    [
      "bad-duration.yaml",
      ['policy.rules[1].rate_limit.window: expected a duration such as 500ms, 60s, 10m or 1h, got "sixty"'],
    ],
    ["bad-unset-env.yaml", ["agents[0].token: environment variable CI_BOT_TOKEN is not set"]],
    [
      "bad-upstream-both.yaml",
      ['upstreams.billing: expected exactly one of "command" (stdio) or "url" (Streamable HTTP)'],
    ],
    [
      "bad-upstream-neither.yaml",
      ['upstreams.billing: expected exactly one of "command" (stdio) or "url" (Streamable HTTP)'],
    ],
    [
      "bad-duplicate-rule-ids.yaml",
      ['policy.rules[2].id: duplicate rule id "same", already used by policy.rules[0]'],
    ],
    [
      "bad-hide-non-deny.yaml",
      ["policy.rules[0].hide: only valid on a rule with action deny, got action allow"],
    ],
    [
      "bad-rate-limit-missing.yaml",
      [
        "policy.rules[0].rate_limit: expected a rate limit such as { max: 10, window: 60s } for action rate_limit, but the key is missing",
      ],
    ],
    [
      "bad-regex.yaml",
      [
        'policy.rules[0].when["args.name"].regex: expected a valid regular expression, got "prod-(" (Invalid regular expression: /prod-(/: Unterminated group)',
      ],
    ],
    [
      "bad-token-sha256.yaml",
      [
        "agents[0].token_sha256: expected a SHA-256 digest of 64 hexadecimal characters, got a string of 19 characters (not shown)",
      ],
    ],
    ["bad-no-agents.yaml", ["agents: expected at least one agent, got an empty list"]],
    [
      "bad-missing-redis-url.yaml",
      [
        "redis.url: expected a Redis URL such as redis://127.0.0.1:6379, but neither this key nor the environment variable REDIS_URL is set",
      ],
    ],
  ])("%s", (name, expected) => {
    expect(problemsOfFixture(name)).toEqual(expected.map((line) => `${fixturePath(name)}: ${line}`));
  });

  it("lists every problem of a file at once", () => {
    const lines = problemsOfFixture("bad-many.yaml").map((line) =>
      line.replace(`${fixturePath("bad-many.yaml")}: `, ""),
    );
    expect(lines).toEqual([
      "server.port: expected a port number from 0 to 65535, got 70000",
      'server.max_body: expected a size such as 512kb or 4mb, or a number of bytes, got "lots"',
      'redis.url: expected a Redis URL such as redis://127.0.0.1:6379, got "http://127.0.0.1:6379"',
      'upstreams.billing.args: only valid for a stdio upstream (one with "command")',
      'upstreams["bad name"]: invalid upstream name: expected 1 to 64 letters, digits, _ or -, starting with a letter or digit (the name appears in URLs)',
      "agents[0].token: expected a token of at least 16 characters, got a string of 5 characters (not shown)",
      'agents[1]: expected exactly one of "token" or "token_sha256"',
      'agents[1].id: duplicate agent id "ci-bot", already used by agents[0]',
      'policy.default: expected one of allow, deny, got "maybe"',
      'policy.rules[0].when["args.operation"].in: expected a list of values, got "delete"',
      'policy.rules[0].when["args.operation"].lt: expected a number or a string, got a list',
      'policy.rules[0].when["args.operation"].exists: expected true or false, got "yes"',
      'policy.rules[0].when["args.operation"].inn: unknown operator, did you mean "in"?',
      'policy.rules[0].when["args.list"]: expected an operator mapping such as { in: [a, b] } or a single value to compare with, got a list',
      'policy.rules[0].when["args.empty"]: expected at least one operator such as eq, in or regex, got an empty mapping',
      'policy.rules[0].when["arguments.name"]: unknown condition path, expected "args", "args.<name>" (dotted), "agent", "upstream" or "tool"',
      "policy.rules[0].approval: only valid on a rule with action require_approval, got action allow",
      'policy.rules[1].approval.timeout: expected a duration such as 500ms, 60s, 10m or 1h, got "0s" (it must be greater than zero)',
      'policy.rules[1].approval.on_timeout: expected one of deny, approve, got "later"',
      'policy.rules[1].approval.approvers[1]: duplicate approver "U1", already listed as approvers[0]',
      "policy.rules[1].approval.quorum: expected at most 2 (the number of approvers), got 3",
      'log_level: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ]);
  });
});

describe("messages for other mistakes", () => {
  function problemsWith(extra: string, env: NodeJS.ProcessEnv = {}): string[] {
    return problemsOf(() => parseConfig(`${minimalYaml}${extra}`, "gateway.yaml", env));
  }

  it("suggests the intended key for a misspelt or camelCase one", () => {
    expect(problemsWith("upstream: {}\nserver: { maxBody: 1mb }\n")).toEqual([
      'gateway.yaml: server.maxBody: unknown key, did you mean "max_body"?',
      'gateway.yaml: upstream: unknown key, did you mean "upstreams"?',
    ]);
  });

  it("names the type found where another was expected", () => {
    expect(problemsWith("server: 8080\naudit: { redact_keys: token }\n")).toEqual([
      "gateway.yaml: server: expected a mapping, got 8080",
      'gateway.yaml: audit.redact_keys: expected a list of key names, got "token"',
    ]);
  });

  it("rejects options that belong to another transport or action", () => {
    const yaml = minimalYaml.replace("{ command: node }", "{ command: node, headers: { X-A: b } }");
    expect(
      problemsOf(() =>
        parseConfig(
          `${yaml}policy:\n  rules:\n    - { id: r, tool: t, action: allow, approval: {} }\n`,
          "g.yaml",
          {},
        ),
      ),
    ).toEqual([
      'g.yaml: upstreams.tools.headers: only valid for a Streamable HTTP upstream (one with "url")',
      "g.yaml: policy.rules[0].approval: only valid on a rule with action require_approval, got action allow",
    ]);
  });

  it("rejects agents that share an id or a token", () => {
    const agents = [
      "agents:",
      "  - { id: a, token: shared-token-0123456789 }",
      "  - { id: a, token: another-token-0123456789 }",
      `  - { id: c, token_sha256: "${"0".repeat(64)}" }`,
      `  - { id: d, token_sha256: "${"0".repeat(64)}" }`,
    ].join("\n");
    const yaml = minimalYaml.replace(/^agents:.*$/m, agents);
    expect(problemsOf(() => parseConfig(yaml, "g.yaml", {}))).toEqual([
      'g.yaml: agents[1].id: duplicate agent id "a", already used by agents[0]',
      "g.yaml: agents[3]: uses the same token as agents[2]; each agent needs its own token",
    ]);
  });

  it("rejects bad rule ids and unknown actions", () => {
    expect(problemsWith("policy:\n  rules:\n    - { id: -bad id, tool: t, action: permit }\n")).toEqual([
      'gateway.yaml: policy.rules[0].id: expected a rule id of letters, digits, _ . : or -, starting with a letter or digit but not with gateway:, got "-bad id"',
      'gateway.yaml: policy.rules[0].action: expected one of allow, deny, rate_limit, require_approval, got "permit"',
    ]);
  });

  it("keeps rule ids starting with gateway: for the gateway's own refusals", () => {
    expect(
      problemsWith("policy:\n  rules:\n    - { id: gateway:arguments-too-deep, tool: t, action: allow }\n"),
    ).toEqual([
      'gateway.yaml: policy.rules[0].id: expected a rule id of letters, digits, _ . : or -, starting with a letter or digit but not with gateway:, got "gateway:arguments-too-deep"',
    ]);
  });

  it("does not echo values that may be secrets", () => {
    const upstreams = [
      "upstreams:",
      "  tools: { command: node, env: { API_KEY: [hunter2-secret] } }",
      '  remote: { url: "ftp://user:hunter2-pass@host/mcp", headers: { Authorization: { b: hunter2-auth } } }',
    ].join("\n");
    const yaml = `${minimalYaml.replace(/^upstreams:.*$/m, upstreams)}slack: { bot_token: 4242, signing_secret: hunter2, channel: C1 }\n`;
    const problems = problemsOf(() => parseConfig(yaml, "gateway.yaml", {}));
    expect(problems).toEqual([
      "gateway.yaml: upstreams.tools.env.API_KEY: expected a string, got a list",
      "gateway.yaml: upstreams.remote.url: expected an http:// or https:// URL such as http://127.0.0.1:9000/mcp, got a string of 32 characters (not shown)",
      "gateway.yaml: upstreams.remote.headers.Authorization: expected a string, got a mapping",
      "gateway.yaml: slack.bot_token: expected a Slack bot token (xoxb-...), got a number (not shown)",
    ]);
    expect(problems.join("\n")).not.toMatch(/hunter2|4242/);
  });

  it("reports a bad value from the environment without echoing secrets from it", () => {
    const yaml =
      "upstreams: { tools: { command: node } }\nagents: [{ id: a, token: a-token-of-sixteen-plus-chars }]\n";
    const problems = problemsOf(() =>
      parseConfig(yaml, "gateway.yaml", { REDIS_URL: "http://:hunter2@redis", DATABASE_URL: "mysql://db/x" }),
    );
    expect(problems).toEqual([
      "gateway.yaml: redis.url: expected a Redis URL such as redis://127.0.0.1:6379, got a string of 21 characters (not shown) from the environment variable REDIS_URL",
      'gateway.yaml: database.url: expected a PostgreSQL URL such as postgresql://user@host:5432/db, got "mysql://db/x" from the environment variable DATABASE_URL',
    ]);
  });
});
