import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { parse, stringify } from "yaml";
import { loadConfig } from "../../src/config/index.js";
import { startGateway, type RunningGateway } from "../../src/gateway.js";
import { createLogger } from "../../src/logging.js";
import { applyMigrations } from "../../src/store/index.js";
import {
  createEmptyDatabase,
  freePort,
  sharedRedisUrl,
  uniquePrefix,
  waitForPort,
  type TestDatabase,
} from "./services.js";

export const repoRoot = path.resolve(import.meta.dirname, "../..");
export const migrationsDir = path.join(repoRoot, "prisma", "migrations");
export const cliPath = path.join(repoRoot, "dist", "src", "cli", "bin.js");

export const agentTokens = {
  "ci-bot": "ci-bot-token-0123456789abcdef",
  "ops-bot": "ops-bot-token-0123456789abcdef",
} as const;

/** A migrated database of the test's own. */
export async function createMigratedDatabase(): Promise<TestDatabase> {
  const database = await createEmptyDatabase();
  await migrateDatabase(database.url);
  return database;
}

/** Applies the repository's migrations to the database at `url`. */
export async function migrateDatabase(url: string): Promise<void> {
  await applyMigrations({ databaseUrl: url, migrationsDir });
}

export interface ExampleUpstreamHttp {
  readonly url: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** The example upstream over Streamable HTTP, on a free port. */
export async function startExampleUpstreamHttp(
  env: Record<string, string> = {},
): Promise<ExampleUpstreamHttp> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ["examples/upstream/http.js", "--port", String(port), "--host", "127.0.0.1"],
    {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  await waitForPort(port);
  return { url: `http://127.0.0.1:${port}/mcp`, process: child, stop: () => stopProcess(child) };
}

export interface GatewayFixtureOptions {
  /** The `policy:` block of the config, in YAML shape (snake_case). */
  readonly policy: Record<string, unknown>;
  /** Extra upstreams besides `sagemaker` (stdio example). */
  readonly upstreams?: Record<string, unknown>;
  readonly redisUrl?: string;
  readonly database?: TestDatabase;
  readonly extra?: Record<string, unknown>;
}

export interface GatewayFixture {
  readonly dir: string;
  readonly configPath: string;
  readonly callLogPath: string;
  readonly database: TestDatabase;
  readonly redisUrl: string;
  readonly keyPrefix: string;
  readCallLog(): Array<{ tool: string; args: Record<string, unknown>; pid: number }>;
  dispose(): Promise<void>;
}

/** Writes a config file (stdio example upstream, two agents, the given policy) and a database for it. */
export async function createGatewayFixture(options: GatewayFixtureOptions): Promise<GatewayFixture> {
  const dir = mkdtempSync(path.join(tmpdir(), "mag-gw-"));
  const callLogPath = path.join(dir, "calls.jsonl");
  const database = options.database ?? (await createMigratedDatabase());
  const redisUrl = options.redisUrl ?? sharedRedisUrl();
  const keyPrefix = uniquePrefix("gw");
  const config = {
    server: { host: "127.0.0.1", port: 0 },
    redis: { url: redisUrl, key_prefix: keyPrefix },
    database: { url: database.url },
    upstreams: {
      sagemaker: {
        command: process.execPath,
        args: [path.join(repoRoot, "examples/upstream/server.js")],
        env: { EXAMPLE_UPSTREAM_CALL_LOG: callLogPath },
      },
      ...options.upstreams,
    },
    agents: Object.entries(agentTokens).map(([id, token]) => ({ id, token })),
    policy: options.policy,
    log_level: "silent",
    ...options.extra,
  };
  const configPath = path.join(dir, "gateway.yaml");
  writeFileSync(configPath, stringify(config));
  return {
    dir,
    configPath,
    callLogPath,
    database,
    redisUrl,
    keyPrefix,
    readCallLog: () =>
      existsSync(callLogPath)
        ? readFileSync(callLogPath, "utf8")
            .split("\n")
            .filter(Boolean)
            .map((line) => JSON.parse(line) as { tool: string; args: Record<string, unknown>; pid: number })
        : [],
    dispose: async () => {
      if (!options.database) await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface InProcessGateway extends RunningGateway {
  /** Everything the gateway logged, as text. */
  logs(): string;
}

/** Runs the gateway in this process from the fixture's config file, logging into a buffer. */
export async function startInProcessGateway(fixture: GatewayFixture): Promise<InProcessGateway> {
  const config = loadConfig(fixture.configPath);
  const sink = new PassThrough();
  let logged = "";
  sink.on("data", (chunk: Buffer) => (logged += chunk.toString("utf8")));
  const gateway = await startGateway(config, createLogger("debug", sink));
  return { ...gateway, close: gateway.close, logs: () => logged };
}

export interface GatewayProcess {
  readonly url: string;
  readonly process: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs the built CLI (`mcp-approval-gateway start`) as a separate process on a free port. */
export async function startGatewayProcess(fixture: GatewayFixture): Promise<GatewayProcess> {
  const port = await freePort();
  const config = parse(readFileSync(fixture.configPath, "utf8")) as { server: Record<string, unknown> };
  config.server.port = port;
  const configPath = path.join(fixture.dir, `gateway-${port}.yaml`);
  writeFileSync(configPath, stringify(config));
  const child = spawn(process.execPath, [cliPath, "start", "--config", configPath], {
    cwd: repoRoot,
    env: { ...process.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  await waitForPort(port, 20_000);
  return {
    url: `http://127.0.0.1:${port}`,
    process: child,
    output: () => output,
    stop: (signal) => stopProcess(child, signal),
  };
}

export async function connectAgent(
  gatewayUrl: string,
  upstream: string,
  token: string = agentTokens["ci-bot"],
): Promise<Client> {
  const client = new Client({ name: "test-agent", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(`${gatewayUrl}/mcp/${upstream}`), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  return client;
}

export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

/** The text of a tool result's first content item. */
export function resultText(result: unknown): string {
  const content = (result as { content?: Array<{ type: string; text?: string }> }).content ?? [];
  return content.map((item) => item.text ?? "").join("\n");
}
