import type { PolicySpec } from "../policy/types.js";

export interface StdioUpstreamConfig {
  readonly name: string;
  readonly kind: "stdio";
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Working directory of the spawned server; defaults to the config file's directory. */
  readonly cwd: string;
}

export interface HttpUpstreamConfig {
  readonly name: string;
  readonly kind: "http";
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

export type UpstreamConfig = StdioUpstreamConfig | HttpUpstreamConfig;

export interface AgentConfig {
  readonly id: string;
  /** Lower-case hex SHA-256 of the agent's bearer token; plain tokens are hashed at load. */
  readonly tokenSha256: string;
}

/** An admin: same credential shape as an agent, different powers. */
export type AdminConfig = AgentConfig;

export interface SlackConfig {
  readonly botToken: string;
  readonly signingSecret: string;
  readonly channel: string;
  /** Slack Web API base URL, always ending in `/`. */
  readonly apiUrl: string;
}

export interface GatewayConfig {
  /** Absolute path of the file this was loaded from. */
  readonly sourcePath: string;
  readonly server: {
    readonly host: string;
    readonly port: number;
    readonly maxBodyBytes: number;
  };
  readonly redis: { readonly url: string; readonly keyPrefix: string };
  readonly database: { readonly url: string };
  readonly upstreams: readonly UpstreamConfig[];
  readonly agents: readonly AgentConfig[];
  /** Holders of admin tokens (admin API, web page); their tokens never authenticate agents. */
  readonly admins: readonly AdminConfig[];
  readonly policy: PolicySpec;
  readonly audit: {
    /** Argument keys whose values are redacted (case-insensitive substring match). */
    readonly redactKeys: readonly string[];
    /** Decision records older than this are pruned (behind a verification anchor); null keeps all. */
    readonly retentionDays: number | null;
  };
  readonly slack?: SlackConfig;
  readonly approvals: {
    /** How long a held call waits before answering "approval pending, call again". */
    readonly holdMs: number;
    /**
     * How long a decision waits to be collected by a retried call after the held call
     * stopped waiting ("call again with the same arguments after approval").
     */
    readonly grantTtlMs: number;
    /** How often a held call sends a progress notification to a client that sent a progress token. */
    readonly progressIntervalMs: number;
  };
  readonly logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
}
