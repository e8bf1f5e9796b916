import path from "node:path";
import { z } from "zod";
import { adminsSchema, agentsSchema } from "./agent-schema.js";
import { list, optionalBlock, scalar, scalarOrEnv, strictObject } from "./field-schemas.js";
import { rulesSchema } from "./rule-schema.js";
import { byteSize, duration, integer, oneOf, text, url } from "./scalar-kinds.js";
import type { GatewayConfig, SlackConfig } from "./types.js";
import { upstreamsSchema } from "./upstream-schema.js";

/** What the schema needs beyond the document itself. */
export interface ConfigContext {
  /** Absolute path of the config file; relative paths in it resolve against its directory. */
  readonly sourcePath: string;
  /** Supplies defaults such as PORT, REDIS_URL and DATABASE_URL. */
  readonly env: NodeJS.ProcessEnv;
}

export const DEFAULT_REDACT_KEYS: readonly string[] = [
  "token",
  "secret",
  "password",
  "passwd",
  "key",
  "credential",
  "authorization",
  "cookie",
  "private",
];

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
const DEFAULT_PORT = 8080;
const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
const DEFAULT_HOLD_MS = 50_000;
const DEFAULT_GRANT_TTL_MS = 15 * 60_000;
/** Well inside the ~60 s many MCP clients wait without hearing anything. */
const DEFAULT_PROGRESS_INTERVAL_MS = 10_000;
const DEFAULT_SLACK_API_URL = "https://slack.com/api/";

const port = integer(0, 65_535, "a port number from 0 to 65535");
const redisUrl = url(["redis:", "rediss:"], "a Redis URL such as redis://127.0.0.1:6379");
const databaseUrl = url(
  ["postgres:", "postgresql:"],
  "a PostgreSQL URL such as postgresql://user@host:5432/db",
);
const httpUrl = url(["http:", "https:"], "an http:// or https:// URL");

/** The whole config file (snake_case YAML) validated and turned into a {@link GatewayConfig}. */
export function gatewayConfigSchema({ sourcePath, env }: ConfigContext) {
  return strictObject(
    {
      server: optionalBlock(serverSchema(env)),
      redis: optionalBlock(redisSchema(env)),
      database: optionalBlock(databaseSchema(env)),
      upstreams: upstreamsSchema(path.dirname(sourcePath)),
      agents: agentsSchema,
      admins: adminsSchema.default([]),
      policy: optionalBlock(policySchema),
      audit: optionalBlock(auditSchema),
      // An empty `slack:` line means no Slack, like leaving the block out.
      slack: z.preprocess((value) => value ?? undefined, slackSchema(env).optional()),
      approvals: optionalBlock(approvalsSchema),
      log_level: scalarOrEnv(oneOf(LOG_LEVELS), env, "LOG_LEVEL", "info"),
    },
    { expected: "a mapping of settings (server, redis, database, upstreams, agents, policy, ...)" },
  ).transform((config): GatewayConfig => ({
    sourcePath,
    server: config.server,
    redis: config.redis,
    database: config.database,
    upstreams: config.upstreams,
    agents: config.agents,
    admins: config.admins,
    policy: config.policy,
    audit: config.audit,
    ...(config.slack !== undefined && { slack: config.slack }),
    approvals: config.approvals,
    logLevel: config.log_level,
  }));
}

function serverSchema(env: NodeJS.ProcessEnv) {
  return strictObject({
    host: scalar(text("a host name or IP address")).default("0.0.0.0"),
    port: scalarOrEnv(port, env, "PORT", DEFAULT_PORT),
    max_body: scalar(byteSize).default(DEFAULT_MAX_BODY_BYTES),
  }).transform((server) => ({ host: server.host, port: server.port, maxBodyBytes: server.max_body }));
}

function redisSchema(env: NodeJS.ProcessEnv) {
  return strictObject({
    url: scalarOrEnv(redisUrl, env, "REDIS_URL"),
    key_prefix: scalar(text("a key prefix")).default("mag"),
  }).transform((redis) => ({ url: redis.url, keyPrefix: redis.key_prefix }));
}

function databaseSchema(env: NodeJS.ProcessEnv) {
  return strictObject({ url: scalarOrEnv(databaseUrl, env, "DATABASE_URL") });
}

const policySchema = strictObject({
  default: scalar(oneOf(["allow", "deny"])).default("deny"),
  mode: scalar(oneOf(["enforce", "shadow"])).default("enforce"),
  rules: rulesSchema.default([]),
});

const auditSchema = strictObject({
  redact_keys: list(scalar(text("a key name")), { expected: "a list of key names" }).default([
    ...DEFAULT_REDACT_KEYS,
  ]),
  retention_days: scalar(integer(1, 36_500, "a number of days from 1 to 36500")).optional(),
}).transform((audit) => ({ redactKeys: audit.redact_keys, retentionDays: audit.retention_days ?? null }));

function slackSchema(env: NodeJS.ProcessEnv) {
  return strictObject({
    bot_token: scalar(text("a Slack bot token (xoxb-...)")),
    signing_secret: scalar(text("a Slack signing secret")),
    channel: scalar(text("a Slack channel id")),
    api_url: scalarOrEnv(httpUrl, env, "SLACK_API_URL", DEFAULT_SLACK_API_URL),
  }).transform((slack): SlackConfig => ({
    botToken: slack.bot_token,
    signingSecret: slack.signing_secret,
    channel: slack.channel,
    apiUrl: slack.api_url.endsWith("/") ? slack.api_url : `${slack.api_url}/`,
  }));
}

const approvalsSchema = strictObject({
  hold: scalar(duration({ allowZero: true })).default(DEFAULT_HOLD_MS),
  grant_ttl: scalar(duration({ allowZero: false })).default(DEFAULT_GRANT_TTL_MS),
  progress_interval: scalar(duration({ allowZero: false })).default(DEFAULT_PROGRESS_INTERVAL_MS),
}).transform((approvals) => ({
  holdMs: approvals.hold,
  grantTtlMs: approvals.grant_ttl,
  progressIntervalMs: approvals.progress_interval,
}));
