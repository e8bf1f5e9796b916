import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { agentToken, connectClient, gatewayMcpUrl, writeGatewayConfig } from "../support/gateway.js";
import { cliPath, repoRoot } from "../support/paths.js";
import { freePort, startExampleUpstream, stopProcess, waitForPort } from "../support/processes.js";
import { realisticPolicy } from "../support/realistic-policy.js";
import { createBenchDatabase, startServices } from "../support/services.js";
import { countOption, formatMs, stringOption, summarize } from "../support/stats.js";
import { Teardown } from "../support/teardown.js";
import { summarizeProfile } from "./cpuprofile-summary.js";

/**
 * Drives allowed `describe_endpoint` calls at the example upstream, directly and through a
 * gateway running as its own process (the built CLI), in alternating rounds, and prints the
 * throughput and latency of each path. With `--profile DIR` the gateway runs under
 * `node --cpu-prof` and its self time is summarised when it exits.
 *
 *   node dist/bench/profile/allow-load.js [--calls 2000] [--sessions 1] [--rounds 3] [--profile DIR]
 *     [--gateway-node-flags "--heap-growing-percent=0 …"]   (to compare V8 settings)
 */

const measuredCall = { name: "describe_endpoint", arguments: { endpoint_name: "ep-alpha" } };

interface Round {
  readonly callsPerSecond: number;
  readonly latencies: number[];
  /** CPU time the gateway process spent per call in this round (gateway rounds only). */
  readonly cpuMsPerCall?: number;
}

async function main(): Promise<void> {
  const calls = countOption("calls", 2_000);
  const sessions = countOption("sessions", 1);
  const rounds = countOption("rounds", 3);
  const profileDir = stringOption("profile");
  const teardown = new Teardown();
  try {
    const upstream = await startExampleUpstream();
    teardown.defer("example upstream", () => upstream.stop());
    const gateway = await startGateway(teardown, upstream.url, profileDir);
    const direct = await connectMany(teardown, upstream.url, sessions);
    const viaGateway = await connectMany(teardown, gatewayMcpUrl(gateway.url), sessions, agentToken);
    await runRound(direct, 200);
    await runRound(viaGateway, 200);
    const results = { direct: [] as Round[], gateway: [] as Round[] };
    for (let round = 0; round < rounds; round += 1) {
      results.direct.push(await runRound(direct, calls));
      const cpuBefore = processCpuMs(gateway.pid);
      const round = await runRound(viaGateway, calls);
      results.gateway.push({ ...round, cpuMsPerCall: (processCpuMs(gateway.pid) - cpuBefore) / calls });
    }
    report(calls, sessions, results);
    await closeAll(viaGateway);
    // The profile is written when the gateway exits.
    await gateway.stop();
    if (profileDir) printProfile(profileDir);
  } finally {
    await teardown.run();
  }
}

async function startGateway(
  teardown: Teardown,
  upstreamUrl: string,
  profileDir?: string,
): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const services = startServices();
  teardown.defer("services", () => services.stop());
  const database = await createBenchDatabase(services.databaseUrl);
  teardown.defer("database", () => database.drop());
  const dir = mkdtempSync(path.join(tmpdir(), "mag-bench-load-"));
  teardown.defer("config directory", () => rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const configPath = path.join(dir, "gateway.yaml");
  writeGatewayConfig(configPath, {
    port,
    redisUrl: services.redisUrl,
    keyPrefix: `load-${randomUUID().slice(0, 8)}`,
    databaseUrl: database.url,
    upstreamUrl,
    policy: realisticPolicy,
  });
  const extraFlags = (stringOption("gateway-node-flags") ?? "").split(" ").filter(Boolean);
  const nodeFlags = [...extraFlags, ...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [])];
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const child = spawn(process.execPath, [...nodeFlags, cliPath, "start", "--config", configPath], {
    cwd: repoRoot,
    // The gateway's info log goes nowhere, as in production it would go to a collector.
    stdio: ["ignore", "ignore", "inherit"],
  });
  teardown.defer("gateway", () => stopProcess(child));
  await waitForPort(port, 20_000);
  if (child.pid === undefined) throw new Error("the gateway process did not start");
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, stop: () => stopProcess(child) };
}

async function connectMany(
  teardown: Teardown,
  url: string,
  count: number,
  token?: string,
): Promise<Client[]> {
  const clients: Client[] = [];
  for (let i = 0; i < count; i += 1) clients.push(await connectClient(url, token));
  teardown.defer(`clients of ${url}`, () => closeAll(clients));
  return clients;
}

async function closeAll(clients: readonly Client[]): Promise<void> {
  await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
}

/** `calls` calls shared by the clients, each client making one call at a time. */
async function runRound(clients: readonly Client[], calls: number): Promise<Round> {
  const latencies: number[] = [];
  let remaining = calls;
  const started = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      while (remaining > 0) {
        remaining -= 1;
        const callStarted = performance.now();
        const result = await client.callTool(measuredCall);
        latencies.push(performance.now() - callStarted);
        if (result.isError) throw new Error(`call failed: ${JSON.stringify(result.content)}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { callsPerSecond: calls / seconds, latencies };
}

function report(calls: number, sessions: number, results: { direct: Round[]; gateway: Round[] }): void {
  console.log(`${calls} calls per round over ${sessions} session(s)`);
  results.direct.forEach((direct, index) => {
    const gateway = results.gateway[index];
    if (!gateway) return;
    const d = summarize(direct.latencies);
    const g = summarize(gateway.latencies);
    console.log(
      `round ${index + 1}: direct ${direct.callsPerSecond.toFixed(0)}/s p50 ${formatMs(d.p50)} p99 ${formatMs(d.p99)}` +
        ` | gateway ${gateway.callsPerSecond.toFixed(0)}/s p50 ${formatMs(g.p50)} p99 ${formatMs(g.p99)}` +
        ` | throughput ${((gateway.callsPerSecond / direct.callsPerSecond) * 100).toFixed(0)} % of direct` +
        ` | gateway CPU ${formatMs(gateway.cpuMsPerCall ?? Number.NaN, 3)} ms/call`,
    );
  });
}

function printProfile(dir: string): void {
  const newest = readdirSync(dir)
    .filter((file) => file.endsWith(".cpuprofile"))
    .sort()
    .at(-1);
  if (!newest) {
    console.log(`no profile in ${dir}`);
    return;
  }
  const file = path.join(dir, newest);
  const summary = summarizeProfile(
    JSON.parse(readFileSync(file, "utf8")) as Parameters<typeof summarizeProfile>[0],
  );
  console.log(`profile ${file}; busy ${((summary.totalMicros - summary.idleMicros) / 1000).toFixed(0)} ms`);
  for (const row of summary.byGroup.slice(0, 15)) {
    console.log(`${(row.share * 100).toFixed(1).padStart(6)} %  ${row.label}`);
  }
  for (const row of summary.byFunction.slice(0, 30)) {
    console.log(`${(row.share * 100).toFixed(1).padStart(6)} %  ${row.label}`);
  }
}

/** User plus system CPU time of a process so far, from /proc (Linux). */
function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is parenthesised and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / clockTicksPerSecond;
}

// USER_HZ, 100 on every Linux architecture Node runs on.
const clockTicksPerSecond = 100;

await main();
