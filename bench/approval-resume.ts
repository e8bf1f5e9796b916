import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import pg from "pg";
import { startFakeSlackApi } from "../test/support/fake-slack-api.js";
import {
  agentToken,
  connectClient,
  gatewayMcpUrl,
  startInProcessGateway,
  writeGatewayConfig,
  type GatewayFileOptions,
} from "./support/gateway.js";
import { freePort, startExampleUpstream, startGatewayProcess } from "./support/processes.js";
import { createBenchDatabase, startServices } from "./support/services.js";
import {
  countOption,
  formatMs,
  formatTable,
  machineContext,
  summarize,
  writeResults,
} from "./support/stats.js";
import {
  approvalChannel,
  postApproveClick,
  reviewer,
  signingSecret,
  waitForPostedRequest,
} from "./support/slack-review.js";
import { Teardown } from "./support/teardown.js";

/**
 * Approval resume latency: from the moment a reviewer's Approve click is sent to the moment
 * the held call reaches the upstream. The agent's call is held by replica A; half the clicks
 * go to A itself, half to replica B (another process), which must wake A through Redis.
 */

const warmupApprovals = 10;
const policy = {
  default: "deny",
  rules: [
    {
      id: "keys-need-approval",
      tool: "create_api_key",
      action: "require_approval",
      approval: { approvers: [reviewer.id], quorum: 1, timeout: "10m" },
    },
  ],
};

type ClickPath = "same-replica" | "cross-replica";

interface Rig {
  readonly agent: Client;
  readonly poller: pg.Client;
  readonly replicaUrls: Readonly<Record<ClickPath, string>>;
  readonly callLogPath: string;
}

interface Click {
  readonly name: string;
  readonly path: ClickPath;
  readonly sentAt: number;
}

async function main(): Promise<void> {
  const approvals = countOption("approvals", 200);
  const teardown = new Teardown();
  try {
    const rig = await setUp(teardown);
    await approveMany(rig, warmupApprovals, "warmup");
    const clicks = await approveMany(rig, approvals, "bench");
    report(approvals, resumeLatencies(rig.callLogPath, clicks));
  } finally {
    await teardown.run();
  }
}

async function setUp(teardown: Teardown): Promise<Rig> {
  const services = startServices();
  teardown.defer("services", () => services.stop());
  const database = await createBenchDatabase(services.databaseUrl);
  teardown.defer("database", () => database.drop());
  const dir = mkdtempSync(path.join(tmpdir(), "mag-bench-approvals-"));
  teardown.defer("config directory", () => rmSync(dir, { recursive: true, force: true }));
  const callLogPath = path.join(dir, "calls.jsonl");
  const upstream = await startExampleUpstream(callLogPath);
  teardown.defer("example upstream", () => upstream.stop());
  const slack = await startFakeSlackApi();
  teardown.defer("fake Slack API", () => slack.close());

  const shared: Omit<GatewayFileOptions, "port"> = {
    redisUrl: services.redisUrl,
    keyPrefix: `bench-${randomUUID().slice(0, 8)}`,
    databaseUrl: database.url,
    upstreamUrl: upstream.url,
    policy,
    extra: {
      slack: {
        bot_token: "xoxb-bench-token",
        signing_secret: signingSecret,
        channel: approvalChannel,
        api_url: slack.url,
      },
    },
  };
  const configA = path.join(dir, "replica-a.yaml");
  writeGatewayConfig(configA, { ...shared, port: 0 });
  const replicaA = await startInProcessGateway(configA);
  teardown.defer("replica A", () => replicaA.close());
  const portB = await freePort();
  const configB = path.join(dir, "replica-b.yaml");
  writeGatewayConfig(configB, { ...shared, port: portB });
  const replicaB = await startGatewayProcess(configB, portB);
  teardown.defer("replica B", () => replicaB.stop());

  const agent = await connectClient(gatewayMcpUrl(replicaA.url), agentToken);
  teardown.defer("agent", () => agent.close());
  const poller = new pg.Client({ connectionString: database.url });
  await poller.connect();
  teardown.defer("database poller", () => poller.end());
  return {
    agent,
    poller,
    replicaUrls: { "same-replica": replicaA.url, "cross-replica": replicaB.url },
    callLogPath,
  };
}

/** Runs `count` approvals one after another, alternating which replica receives the click. */
async function approveMany(rig: Rig, count: number, label: string): Promise<Click[]> {
  const clicks: Click[] = [];
  for (let i = 0; i < count; i += 1) {
    const name = `${label}-key-${i}`;
    const held = rig.agent.callTool({ name: "create_api_key", arguments: { name } });
    held.catch(() => undefined);
    const pending = await waitForPostedRequest(rig.poller, name);
    const clickPath: ClickPath = i % 2 === 0 ? "same-replica" : "cross-replica";
    const sentAt = Date.now();
    const response = await postApproveClick(rig.replicaUrls[clickPath], pending);
    if (response.status !== 200) throw new Error(`click on ${clickPath} answered ${response.status}`);
    const result = await held;
    if (result.isError) throw new Error(`approved call ${name} failed: ${JSON.stringify(result.content)}`);
    clicks.push({ name, path: clickPath, sentAt });
  }
  return clicks;
}

/** Milliseconds from each click to the upstream's log line for the call it released. */
function resumeLatencies(callLogPath: string, clicks: readonly Click[]): Record<ClickPath, number[]> {
  const reachedAt = new Map<string, number>();
  for (const line of readFileSync(callLogPath, "utf8").split("\n").filter(Boolean)) {
    const entry = JSON.parse(line) as { ts: number; tool: string; args: { name?: unknown } };
    if (entry.tool === "create_api_key" && typeof entry.args.name === "string")
      reachedAt.set(entry.args.name, entry.ts);
  }
  const latencies: Record<ClickPath, number[]> = { "same-replica": [], "cross-replica": [] };
  for (const click of clicks) {
    const ts = reachedAt.get(click.name);
    if (ts === undefined) throw new Error(`the upstream never logged ${click.name}`);
    latencies[click.path].push(ts - click.sentAt);
  }
  return latencies;
}

function report(approvals: number, latencies: Record<ClickPath, number[]>): void {
  const same = summarize(latencies["same-replica"]);
  const cross = summarize(latencies["cross-replica"]);
  const row = (label: string, summary: typeof same): string[] => [
    label,
    String(summary.count),
    ...[summary.p50, summary.p90, summary.p99, summary.max].map((value) => formatMs(value, 0)),
  ];
  console.log(`approval resume: ${approvals} approvals after ${warmupApprovals} warm-up approvals`);
  console.log(
    formatTable([
      ["click to upstream (ms)", "n", "p50", "p90", "p99", "max"],
      row("same replica (A)", same),
      row("cross replica (B -> A)", cross),
    ]),
  );
  const file = writeResults("approval-resume.json", {
    approvals,
    warmupApprovals,
    unit: "ms",
    sameReplica: same,
    crossReplica: cross,
    machine: machineContext(),
  });
  console.log(`results written to ${file}`);
}

await main();
