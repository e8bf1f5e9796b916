import { createHash } from "node:crypto";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, type GatewayConfig } from "../../../src/config/index.js";
import { fixturePath, fixturesDir } from "./config-fixtures.js";

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

describe("loadConfig with a full config", () => {
  const env = {
    DB_PASSWORD: "db-pass",
    BILLING_TOKEN: "billing-token",
    CI_BOT_TOKEN: "ci-bot-token-0123456789",
    SLACK_BOT_TOKEN: "xoxb-123",
    SLACK_SIGNING_SECRET: "signing-secret",
  };

  it("turns every snake_case setting into the camelCase GatewayConfig", () => {
    const expected: GatewayConfig = {
      sourcePath: fixturePath("valid-full.yaml"),
      server: { host: "127.0.0.1", port: 9090, maxBodyBytes: 512 * 1024 },
      redis: { url: "rediss://cache.internal:6380/2", keyPrefix: "gw-test" },
      database: { url: "postgres://gateway:db-pass@db.internal:5432/gateway" },
      upstreams: [
        {
          name: "local-tools",
          kind: "stdio",
          command: "node",
          args: ["server.js", "--port", "3000", "--verbose", "true"],
          env: { LOG_LEVEL: "debug", WORKERS: "4" },
          cwd: path.join(fixturesDir, "upstream"),
        },
        {
          name: "remote_billing",
          kind: "http",
          url: "https://billing.internal/mcp",
          headers: { Authorization: "Bearer billing-token", "X-Tenant": "acme" },
        },
      ],
      agents: [
        { id: "ci-bot", tokenSha256: sha256("ci-bot-token-0123456789") },
        { id: "analyst", tokenSha256: sha256("password") },
      ],
      admins: [],
      policy: {
        default: "allow",
        mode: "enforce",
        rules: [
          { id: "hide-admin", tool: "admin_*", action: "deny", hide: true },
          {
            id: "guard.deletes:v2",
            tool: "delete_*",
            upstream: "remote_*",
            agent: "ci-*",
            action: "deny",
            reason: "Deletion is disabled for agents",
            when: {
              "args.operation": { in: ["delete", "batch_delete"], not_in: ["noop"] },
              "args.count": { gt: 10, lte: 1000 },
              "args.name": { regex: "^prod-", ne: "prod-sandbox" },
              "args.dry_run": { exists: false },
              args: { exists: true },
              agent: { eq: "ci-bot" },
              upstream: { eq: "remote_billing" },
              tool: { gte: "delete_a", lt: "delete_z" },
            },
          },
          {
            id: "limited-search",
            tool: "search",
            action: "rate_limit",
            rateLimit: { max: 5, windowMs: 500, per: "agent" },
          },
          {
            id: "deploy",
            tool: "deploy_*",
            action: "require_approval",
            rateLimit: { max: 2, windowMs: 3_600_000, per: "global" },
            approval: {
              channel: "C0DEPLOYS",
              approvers: ["U111", "U222", "U333"],
              quorum: 2,
              timeoutMs: 7_200_000,
              onTimeout: "approve",
              requireReasonOnDeny: true,
            },
          },
          {
            id: "quick-approval",
            tool: "restart",
            action: "require_approval",
            approval: {
              approvers: [],
              quorum: 1,
              timeoutMs: 600_000,
              onTimeout: "deny",
              requireReasonOnDeny: false,
            },
          },
        ],
      },
      audit: { redactKeys: ["ssn", "iban"], retentionDays: null },
      slack: {
        botToken: "xoxb-123",
        signingSecret: "signing-secret",
        channel: "C0APPROVALS",
        apiUrl: "http://127.0.0.1:4010/api/",
      },
      approvals: { holdMs: 0, grantTtlMs: 900_000, progressIntervalMs: 10_000 },
      logLevel: "debug",
    };
    expect(loadConfig(fixturePath("valid-full.yaml"), env)).toEqual(expected);
  });

  it("keeps only the SHA-256 of plain tokens", () => {
    const config = loadConfig(fixturePath("valid-full.yaml"), env);
    expect(JSON.stringify(config)).not.toContain(env.CI_BOT_TOKEN);
  });

  it("records the absolute path of a file given by a relative path", () => {
    const relative = path.relative(process.cwd(), fixturePath("minimal.yaml"));
    const config = loadConfig(relative, { REDIS_URL: "redis://r", DATABASE_URL: "postgres://d/db" });
    expect(config.sourcePath).toBe(fixturePath("minimal.yaml"));
    expect(path.isAbsolute(config.sourcePath)).toBe(true);
  });
});

describe("loadConfig with the reference example", () => {
  it("loads, with its environment references resolved", () => {
    const env = {
      T: "billing-token",
      CI_BOT_TOKEN: "ci-bot-token-0123456789",
      SLACK_BOT_TOKEN: "xoxb-1",
      SLACK_SIGNING_SECRET: "s3cret",
    };
    const config = loadConfig(fixturePath("issue-example.yaml"), env);
    expect(config.upstreams).toEqual([
      {
        name: "sagemaker",
        kind: "stdio",
        command: "node",
        args: ["examples/upstream/server.js"],
        env: {},
        cwd: fixturesDir,
      },
      {
        name: "billing",
        kind: "http",
        url: "http://127.0.0.1:9000/mcp",
        headers: { Authorization: "Bearer billing-token" },
      },
    ]);
    expect(config.agents).toEqual([
      { id: "ci-bot", tokenSha256: sha256(env.CI_BOT_TOKEN) },
      { id: "other", tokenSha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" },
    ]);
    expect(config.policy.rules.map((rule) => [rule.id, rule.action, rule.hide])).toEqual([
      ["no-deletes", "deny", true],
      ["approve-deploys", "require_approval", undefined],
    ]);
    expect(config.policy.rules[0]?.when).toEqual({ "args.operation": { in: ["delete", "batch_delete"] } });
    expect(config.slack).toEqual({
      botToken: "xoxb-1",
      signingSecret: "s3cret",
      channel: "C0APPROVALS",
      apiUrl: "https://slack.com/api/",
    });
    expect(config.approvals.holdMs).toBe(50_000);
  });
});
