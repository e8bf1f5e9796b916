import { setMaxListeners } from "node:events";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { stringify } from "yaml";
import { loadConfig } from "../../src/config/index.js";
import { startGateway, type RunningGateway } from "../../src/gateway.js";
import { createLogger } from "../../src/logging.js";
import { repoRoot } from "./paths.js";

export const agentId = "bench-agent";
export const agentToken = "bench-agent-token-0123456789abcdef";
export const upstreamName = "sagemaker";

export interface GatewayFileOptions {
  readonly port: number;
  readonly redisUrl: string;
  readonly keyPrefix: string;
  readonly databaseUrl: string;
  /** The example upstream over Streamable HTTP at this URL, or `"stdio"`: spawned by the gateway. */
  readonly upstreamUrl: string;
  /** The `policy:` block, in YAML shape (snake_case). */
  readonly policy: Record<string, unknown>;
  /** The agents; default one, `agentId` with `agentToken`. */
  readonly agents?: ReadonlyArray<{ readonly id: string; readonly token: string }>;
  /** Further top-level blocks, such as `slack`. */
  readonly extra?: Record<string, unknown>;
}

/** As `upstreamUrl`: the gateway spawns the example upstream over stdio, as the peer proxy does. */
export const stdioUpstream = "stdio";

/** Writes a gateway config file: one upstream, the agents, the given policy, info logging. */
export function writeGatewayConfig(filePath: string, options: GatewayFileOptions): void {
  const upstream =
    options.upstreamUrl === stdioUpstream
      ? {
          command: process.execPath,
          args: [path.join(repoRoot, "examples", "upstream", "server.js")],
          cwd: repoRoot,
        }
      : { url: options.upstreamUrl };
  const document = {
    server: { host: "127.0.0.1", port: options.port },
    redis: { url: options.redisUrl, key_prefix: options.keyPrefix },
    database: { url: options.databaseUrl },
    upstreams: { [upstreamName]: upstream },
    agents: options.agents ?? [{ id: agentId, token: agentToken }],
    policy: options.policy,
    // The level a deployment runs at, so the logging cost is part of what is measured.
    log_level: "info",
    ...options.extra,
  };
  writeFileSync(filePath, stringify(document));
}

/** Runs the gateway in this process from a config file; its logs are formatted, then dropped. */
export async function startInProcessGateway(configPath: string): Promise<RunningGateway> {
  const config = loadConfig(configPath);
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  return startGateway(config, createLogger(config.logLevel, discard));
}

/** An MCP client over Streamable HTTP, with a bearer token when one is given. */
export async function connectClient(url: string, token?: string): Promise<Client> {
  const client = new Client({ name: "bench-agent", version: "1.0.0" });
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  await client.connect(transport);
  // Every call's fetch listens on the transport's one AbortSignal, and undici removes that
  // listener only once the request is garbage-collected: thousands of calls between two
  // collections are expected here, not a leak.
  const signal = (transport as unknown as { _abortController?: AbortController })._abortController?.signal;
  if (signal) setMaxListeners(0, signal);
  return client;
}

/** The URL an agent uses to reach `upstreamName` through a gateway. */
export function gatewayMcpUrl(gatewayUrl: string): string {
  return `${gatewayUrl}/mcp/${upstreamName}`;
}
