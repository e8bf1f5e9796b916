import { randomUUID } from "node:crypto";
import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { allowPathPolicy } from "./allow-path-policy.js";
import type { DecisionLogMode } from "./composed-gateway.js";
import { DecisionBacklog, type LogLag } from "./decision-backlog.js";
import { agentToken, gatewayMcpUrl, stdioUpstream, writeGatewayConfig } from "./gateway.js";
import { repoRoot } from "./paths.js";
import { freePort, startExampleUpstream, startGatewayProcess, startNodeService } from "./processes.js";
import { createBenchDatabase } from "./services.js";
import { openHttpSessions, openStdioSessions } from "./sessions.js";
import type { Teardown } from "./teardown.js";

/** Something the call mix is measured against. */
export interface BenchTarget {
  readonly key: string;
  readonly label: string;
  openSessions(count: number): Promise<Client[]>;
  /** Told the calls a run made; waits for the target's background work on them (the decision log). */
  afterRun?(callsMade: number): Promise<LogLag>;
}

/** What starting a target may use; everything it starts is registered with `teardown`. */
export interface TargetContext {
  readonly teardown: Teardown;
  readonly redisUrl: string;
  /** A server-level PostgreSQL URL: each gateway gets a database of its own on it. */
  readonly databaseServerUrl: string;
  readonly dir: string;
}

const logDrainLimitMs = 60_000;

/** The example upstream over Streamable HTTP, called without any proxy. */
export async function startDirectHttp(context: TargetContext): Promise<BenchTarget> {
  const upstream = await startExampleUpstream();
  context.teardown.defer("example upstream (direct)", () => upstream.stop());
  return {
    key: "direct",
    label: "direct (HTTP)",
    openSessions: (count) => openHttpSessions(upstream.url, count),
  };
}

/** SDK clients in this process, each spawning the example upstream over stdio: no proxy, no HTTP. */
export function directStdio(): BenchTarget {
  return { key: "directStdio", label: "direct (stdio)", openSessions: openStdioSessions };
}

/**
 * The gateway as the product runs it (the built CLI, its own process) in front of the example
 * upstream over stdio, with the allow-path policy and the decision log on.
 */
export async function startProductGateway(context: TargetContext): Promise<BenchTarget> {
  const prepared = await prepareGateway(context);
  const gateway = await startGatewayProcess(prepared.configPath, prepared.port);
  context.teardown.defer("gateway", () => gateway.stop());
  return gatewayTarget({ key: "gateway", label: "gateway" }, gateway.url, prepared.backlog);
}

/**
 * The bench's own composition of the gateway's call path (see composed-gateway.ts) in a
 * process of its own, with the real decision log or a stub that discards records.
 */
export async function startComposedTarget(
  context: TargetContext,
  mode: DecisionLogMode,
): Promise<BenchTarget> {
  const prepared = await prepareGateway(context);
  const script = path.join(repoRoot, "dist", "bench", "composed-gateway.js");
  const url = `http://127.0.0.1:${prepared.port}`;
  const args = [script, "--config", prepared.configPath, "--decision-log", mode];
  const gateway = await startNodeService(args, { port: prepared.port, url });
  context.teardown.defer(`composed gateway (${mode})`, () => gateway.stop());
  const label = mode === "real" ? "decision log on" : "decision log off";
  return gatewayTarget({ key: `log-${mode}`, label }, url, mode === "real" ? prepared.backlog : undefined);
}

interface PreparedGateway {
  readonly configPath: string;
  readonly port: number;
  readonly backlog: DecisionBacklog;
}

/** A database, a config file and a decision counter for one gateway process. */
async function prepareGateway(context: TargetContext): Promise<PreparedGateway> {
  const database = await createBenchDatabase(context.databaseServerUrl);
  context.teardown.defer("gateway database", () => database.drop());
  const port = await freePort();
  const configPath = path.join(context.dir, `gateway-${port}.yaml`);
  writeGatewayConfig(configPath, {
    port,
    redisUrl: context.redisUrl,
    keyPrefix: `bench-${randomUUID().slice(0, 8)}`,
    databaseUrl: database.url,
    upstreamUrl: stdioUpstream,
    policy: allowPathPolicy,
  });
  const backlog = await DecisionBacklog.open(database.url);
  context.teardown.defer("decision counter", () => backlog.close());
  return { configPath, port, backlog };
}

function gatewayTarget(
  name: { key: string; label: string },
  gatewayUrl: string,
  backlog: DecisionBacklog | undefined,
): BenchTarget {
  return {
    ...name,
    openSessions: (count) => openHttpSessions(gatewayMcpUrl(gatewayUrl), count, agentToken),
    afterRun: backlog ? (callsMade) => backlog.settle(callsMade, logDrainLimitMs) : undefined,
  };
}

/**
 * The peer: supergateway bridging the same stdio server to Streamable HTTP, stateful (one
 * upstream process per session, which is how it keeps sessions apart), with its logging off.
 */
export async function startPeer(context: TargetContext): Promise<BenchTarget> {
  const port = await freePort();
  const upstreamCommand = `"${process.execPath}" "${path.join(repoRoot, "examples", "upstream", "server.js")}"`;
  const script = path.join(repoRoot, "node_modules", "supergateway", "dist", "index.js");
  const args = [script, "--stdio", upstreamCommand, "--outputTransport", "streamableHttp", "--stateful"];
  const peer = await startNodeService([...args, "--port", String(port), "--logLevel", "none"], {
    port,
    url: `http://127.0.0.1:${port}/mcp`,
  });
  context.teardown.defer("supergateway", () => peer.stop());
  return {
    key: "peer",
    label: "supergateway",
    openSessions: (count) => openHttpSessions(peer.url, count),
  };
}
