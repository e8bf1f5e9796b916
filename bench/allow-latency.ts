import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  agentToken,
  connectClient,
  gatewayMcpUrl,
  startInProcessGateway,
  writeGatewayConfig,
} from "./support/gateway.js";
import { startExampleUpstream } from "./support/processes.js";
import { realisticPolicy } from "./support/realistic-policy.js";
import { createBenchDatabase, startServices, withClient } from "./support/services.js";
import {
  countOption,
  formatMs,
  formatTable,
  machineContext,
  summarize,
  writeResults,
  type Summary,
} from "./support/stats.js";
import { Teardown } from "./support/teardown.js";

/**
 * Added latency of the allow path: the same `describe_endpoint` call made straight to the
 * upstream and through the gateway (policy, rate limit in Redis, decision log), alternating
 * between the two so that machine noise lands on both alike.
 */

const warmupCalls = 200;
const measuredCall = { name: "describe_endpoint", arguments: { endpoint_name: "ep-alpha" } };
const measuredRule = "describe-endpoints";

interface Clients {
  readonly direct: Client;
  readonly gateway: Client;
  readonly databaseUrl: string;
  /** Stops the gateway, which flushes its decision log. */
  stopGateway(): Promise<void>;
}

async function main(): Promise<void> {
  const calls = countOption("calls", 2_000);
  const teardown = new Teardown();
  try {
    const clients = await setUp(teardown);
    await runPairs(clients, warmupCalls);
    const samples = await runPairs(clients, calls);
    await clients.stopGateway();
    const logged = await countLoggedDecisions(clients.databaseUrl);
    report(calls, samples, logged);
  } finally {
    await teardown.run();
  }
}

async function setUp(teardown: Teardown): Promise<Clients> {
  const services = startServices();
  teardown.defer("services", () => services.stop());
  const database = await createBenchDatabase(services.databaseUrl);
  teardown.defer("database", () => database.drop());
  const dir = mkdtempSync(path.join(tmpdir(), "mag-bench-allow-"));
  teardown.defer("config directory", () => rmSync(dir, { recursive: true, force: true }));
  const upstream = await startExampleUpstream();
  teardown.defer("example upstream", () => upstream.stop());

  const configPath = path.join(dir, "gateway.yaml");
  writeGatewayConfig(configPath, {
    port: 0,
    redisUrl: services.redisUrl,
    keyPrefix: `bench-${randomUUID().slice(0, 8)}`,
    databaseUrl: database.url,
    upstreamUrl: upstream.url,
    policy: realisticPolicy,
  });
  const gateway = await startInProcessGateway(configPath);
  let gatewayRunning = true;
  const stopGateway = async (): Promise<void> => {
    if (!gatewayRunning) return;
    gatewayRunning = false;
    await gateway.close();
  };
  teardown.defer("gateway", stopGateway);

  const direct = await connectClient(upstream.url);
  teardown.defer("direct client", () => direct.close());
  const viaGateway = await connectClient(gatewayMcpUrl(gateway.url), agentToken);
  teardown.defer("gateway client", () => viaGateway.close());
  return { direct, gateway: viaGateway, databaseUrl: database.url, stopGateway };
}

/** `count` calls on each path; the path that goes first alternates from pair to pair. */
async function runPairs(clients: Clients, count: number): Promise<{ direct: number[]; gateway: number[] }> {
  const direct: number[] = [];
  const gateway: number[] = [];
  for (let i = 0; i < count; i += 1) {
    if (i % 2 === 0) {
      direct.push(await timedCall(clients.direct, "direct"));
      gateway.push(await timedCall(clients.gateway, "gateway"));
    } else {
      gateway.push(await timedCall(clients.gateway, "gateway"));
      direct.push(await timedCall(clients.direct, "direct"));
    }
  }
  return { direct, gateway };
}

async function timedCall(client: Client, label: string): Promise<number> {
  const started = performance.now();
  const result = await client.callTool(measuredCall);
  const elapsed = performance.now() - started;
  // A denied or rate-limited call would be measuring the wrong path.
  if (result.isError) throw new Error(`${label} call failed: ${JSON.stringify(result.content)}`);
  return elapsed;
}

async function countLoggedDecisions(databaseUrl: string): Promise<number> {
  const rows = await withClient(databaseUrl, (client) =>
    client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM decisions WHERE tool = $1 AND decision = 'allow' AND rule_id = $2",
      [measuredCall.name, measuredRule],
    ),
  );
  return rows.rows[0]?.n ?? 0;
}

function report(calls: number, samples: { direct: number[]; gateway: number[] }, logged: number): void {
  const direct = summarize(samples.direct);
  const gateway = summarize(samples.gateway);
  const added = { p50: gateway.p50 - direct.p50, p99: gateway.p99 - direct.p99 };
  const row = (label: string, summary: Summary): string[] => [
    label,
    ...[summary.p50, summary.p90, summary.p99, summary.mean].map((value) => formatMs(value)),
  ];
  console.log(
    `allow path: ${calls} calls per path of ${measuredCall.name} after ${warmupCalls} warm-up calls each`,
  );
  console.log(
    formatTable([["path (ms)", "p50", "p90", "p99", "mean"], row("direct", direct), row("gateway", gateway)]),
  );
  console.log(
    `added latency (gateway - direct): p50 ${formatMs(added.p50)} ms, p99 ${formatMs(added.p99)} ms`,
  );
  console.log(`decisions logged for the measured rule: ${logged} of ${calls + warmupCalls}`);
  const file = writeResults("allow-latency.json", {
    calls,
    warmupCalls,
    tool: measuredCall.name,
    rules: (realisticPolicy.rules as unknown[]).length,
    unit: "ms",
    direct,
    gateway,
    addedLatency: added,
    decisionsLogged: logged,
    machine: machineContext(),
  });
  console.log(`results written to ${file}`);
}

await main();
