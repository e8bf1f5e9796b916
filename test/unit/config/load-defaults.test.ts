import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_REDACT_KEYS,
  loadConfig,
  parseConfig,
  type GatewayConfig,
} from "../../../src/config/index.js";
import { fixturePath, fixturesDir, minimalYaml, problemsOf } from "./config-fixtures.js";

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

describe("defaults", () => {
  const env = { REDIS_URL: "redis://from-env:6379", DATABASE_URL: "postgresql://from-env/db" };

  it("fills every optional setting", () => {
    const config = loadConfig(fixturePath("minimal.yaml"), env);
    expect(config).toEqual({
      sourcePath: fixturePath("minimal.yaml"),
      server: { host: "0.0.0.0", port: 8080, maxBodyBytes: 4 * 1024 * 1024 },
      redis: { url: "redis://from-env:6379", keyPrefix: "mag" },
      database: { url: "postgresql://from-env/db" },
      upstreams: [{ name: "tools", kind: "stdio", command: "node", args: [], env: {}, cwd: fixturesDir }],
      agents: [{ id: "ci-bot", tokenSha256: sha256("a-token-of-sixteen-plus-chars") }],
      admins: [],
      policy: { default: "deny", mode: "enforce", rules: [] },
      audit: { redactKeys: [...DEFAULT_REDACT_KEYS], retentionDays: null },
      approvals: { holdMs: 50_000, grantTtlMs: 900_000, progressIntervalMs: 10_000 },
      logLevel: "info",
    } satisfies GatewayConfig);
    expect(config).not.toHaveProperty("slack");
  });

  it("redacts the documented keys by default", () => {
    expect(DEFAULT_REDACT_KEYS).toEqual([
      "token",
      "secret",
      "password",
      "passwd",
      "key",
      "credential",
      "authorization",
      "cookie",
      "private",
    ]);
  });

  it("treats a block whose lines are all commented out like a missing block", () => {
    const config = parseConfig(`${minimalYaml}server:\npolicy:\napprovals:\nslack:\n`, "gateway.yaml", {});
    expect(config.server).toEqual({ host: "0.0.0.0", port: 8080, maxBodyBytes: 4 * 1024 * 1024 });
    expect(config.policy).toEqual({ default: "deny", mode: "enforce", rules: [] });
    expect(config).not.toHaveProperty("slack");
  });

  it("fills approval settings of a require_approval rule, and omits what a rule does not set", () => {
    const yaml = `${minimalYaml}policy:\n  rules:\n    - { id: ask, tool: deploy, action: require_approval, approval: { approvers: [U1] } }\n`;
    expect(parseConfig(yaml, "gateway.yaml", {}).policy.rules).toEqual([
      {
        id: "ask",
        tool: "deploy",
        action: "require_approval",
        approval: {
          approvers: ["U1"],
          quorum: 1,
          timeoutMs: 600_000,
          onTimeout: "deny",
          requireReasonOnDeny: false,
        },
      },
    ]);
  });

  it("counts rate limits per session unless told otherwise, and reads a bare scalar condition as eq", () => {
    const yaml = `${minimalYaml}policy:\n  rules:\n    - { id: rl, tool: t, action: rate_limit, rate_limit: { max: 3, window: 90 }, when: { args.mode: 7, tool: ~ } }\n`;
    const [rule] = parseConfig(yaml, "gateway.yaml", {}).policy.rules;
    expect(rule?.rateLimit).toEqual({ max: 3, windowMs: 90_000, per: "session" });
    expect(rule?.when).toEqual({ "args.mode": { eq: 7 }, tool: { eq: null } });
  });
});

describe("environment fallbacks", () => {
  const slackYaml = `${minimalYaml}slack: { bot_token: xoxb-1, signing_secret: s, channel: C1 }\n`;

  it("takes PORT, LOG_LEVEL and SLACK_API_URL from the environment when the file does not set them", () => {
    const config = parseConfig(slackYaml, "gateway.yaml", {
      PORT: "3000",
      LOG_LEVEL: "warn",
      SLACK_API_URL: "http://127.0.0.1:4010/api",
    });
    expect(config.server.port).toBe(3000);
    expect(config.logLevel).toBe("warn");
    expect(config.slack?.apiUrl).toBe("http://127.0.0.1:4010/api/");
  });

  it("takes REDIS_URL and DATABASE_URL from the environment when the file does not set them", () => {
    const yaml =
      "upstreams: { tools: { command: node } }\nagents: [{ id: a, token: a-token-of-sixteen-plus-chars }]\n";
    const config = parseConfig(yaml, "gateway.yaml", {
      REDIS_URL: "redis://env-redis:6379",
      DATABASE_URL: "postgres://env-db/gw",
    });
    expect(config.redis.url).toBe("redis://env-redis:6379");
    expect(config.database.url).toBe("postgres://env-db/gw");
  });

  it("prefers the file's values to the environment's", () => {
    const yaml = `${slackYaml.replace("channel: C1", "channel: C1, api_url: https://slack.example/api")}server: { port: 9000 }\nlog_level: error\n`;
    const config = parseConfig(yaml, "gateway.yaml", {
      PORT: "3000",
      LOG_LEVEL: "warn",
      REDIS_URL: "redis://env-redis:6379",
      DATABASE_URL: "postgres://env-db/gw",
      SLACK_API_URL: "http://127.0.0.1:4010/api/",
    });
    expect(config.server.port).toBe(9000);
    expect(config.logLevel).toBe("error");
    expect(config.redis.url).toBe("redis://127.0.0.1:6379");
    expect(config.database.url).toBe("postgresql://127.0.0.1:5432/gateway");
    expect(config.slack?.apiUrl).toBe("https://slack.example/api/");
  });

  it("ignores empty variables and names the variable a bad value came from", () => {
    expect(parseConfig(minimalYaml, "gateway.yaml", { PORT: "", LOG_LEVEL: "" }).server.port).toBe(8080);
    expect(
      problemsOf(() => parseConfig(minimalYaml, "gateway.yaml", { PORT: "http", LOG_LEVEL: "loud" })),
    ).toEqual([
      'gateway.yaml: server.port: expected a port number from 0 to 65535, got "http" from the environment variable PORT',
      'gateway.yaml: log_level: expected one of fatal, error, warn, info, debug, trace, silent, got "loud" from the environment variable LOG_LEVEL',
    ]);
  });
});

describe("upstream working directories", () => {
  it("resolves a relative cwd against the config file's directory, not the process's", () => {
    const yaml = minimalYaml.replace("{ command: node }", "{ command: node, cwd: ../servers }");
    const config = parseConfig(yaml, "/etc/gateway/gateway.yaml", {});
    expect(config.upstreams[0]).toMatchObject({ kind: "stdio", cwd: "/etc/servers" });
  });

  it("keeps an absolute cwd and defaults to the config file's directory", () => {
    const absolute = parseConfig(
      minimalYaml.replace("{ command: node }", "{ command: node, cwd: /srv/mcp }"),
      "/etc/gw/g.yaml",
      {},
    );
    expect(absolute.upstreams[0]).toMatchObject({ cwd: "/srv/mcp" });
    expect(parseConfig(minimalYaml, "/etc/gw/g.yaml", {}).upstreams[0]).toMatchObject({ cwd: "/etc/gw" });
  });
});
