import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import pg from "pg";
import { startFakeSlackApi } from "../../test/support/fake-slack-api.js";
import type { TargetContext } from "../support/allow-targets.js";
import {
  agentToken,
  connectClient,
  gatewayMcpUrl,
  writeGatewayConfig,
  type GatewayFileOptions,
} from "../support/gateway.js";
import { freePort, startExampleUpstream, startGatewayProcess } from "../support/processes.js";
import { createBenchDatabase } from "../support/services.js";
import {
  approvalChannel,
  postApproveClick,
  reviewer,
  signingSecret,
  waitForPostedRequest,
} from "../support/slack-review.js";
import { formatMs, formatTable, summarize, type Summary } from "../support/stats.js";

/**
 * Approval resume latency: from the moment a reviewer's signed Approve click is sent to the
 * moment the held call reaches the upstream (the upstream's call log). The agent's call is
 * held by replica A; alternate clicks go to A itself and to replica B, which must wake A
 * through Redis. Both replicas are gateway processes of their own, as in production.
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

export interface ApprovalResumeResult {
  readonly approvals: number;
  readonly warmupApprovals: number;
  readonly unit: "ms";
  readonly sameReplica: Summary;
  readonly crossReplica: Summary;
  readonly all: Summary;
  readonly elapsedMs: number;
}

/** Runs `approvals` approvals one after another (half per click path) after a short warm-up. */
export async function measureApprovalResume(
  context: TargetContext,
  approvals: number,
): Promise<ApprovalResumeResult> {
  const rig = await setUp(context);
  await approveMany(rig, warmupApprovals, "warmup");
  const started = performance.now();
  const clicks = await approveMany(rig, approvals, "bench");
  const elapsedMs = Math.round(performance.now() - started);
  const latencies = resumeLatencies(rig.callLogPath, clicks);
  return {
    approvals,
    warmupApprovals,
    unit: "ms",
    sameReplica: summarize(latencies["same-replica"]),
    crossReplica: summarize(latencies["cross-replica"]),
    all: summarize([...latencies["same-replica"], ...latencies["cross-replica"]]),
    elapsedMs,
  };
}

async function setUp(context: TargetContext): Promise<Rig> {
  const { teardown } = context;
  const database = await createBenchDatabase(context.databaseServerUrl);
  teardown.defer("approvals database", () => database.drop());
  const callLogPath = path.join(context.dir, `calls-${randomUUID().slice(0, 8)}.jsonl`);
  const upstream = await startExampleUpstream(callLogPath);
  teardown.defer("example upstream (approvals)", () => upstream.stop());
  const slack = await startFakeSlackApi();
  teardown.defer("fake Slack API", () => slack.close());

  const shared: Omit<GatewayFileOptions, "port"> = {
    redisUrl: context.redisUrl,
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
  const replicaUrls: Partial<Record<ClickPath, string>> = {};
  for (const [label, clickPath] of [
    ["A", "same-replica"],
    ["B", "cross-replica"],
  ] as const) {
    const port = await freePort();
    const configPath = path.join(context.dir, `replica-${label}-${port}.yaml`);
    writeGatewayConfig(configPath, { ...shared, port });
    const replica = await startGatewayProcess(configPath, port);
    teardown.defer(`replica ${label}`, () => replica.stop());
    replicaUrls[clickPath] = replica.url;
  }
  const [urlA, urlB] = [replicaUrls["same-replica"], replicaUrls["cross-replica"]];
  if (!urlA || !urlB) throw new Error("replicas did not start");

  const agent = await connectClient(gatewayMcpUrl(urlA), agentToken);
  teardown.defer("agent", () => agent.close());
  const poller = new pg.Client({ connectionString: database.url });
  await poller.connect();
  teardown.defer("database poller", () => poller.end());
  return { agent, poller, replicaUrls: { "same-replica": urlA, "cross-replica": urlB }, callLogPath };
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

export function formatApprovalResume(result: ApprovalResumeResult): string {
  const row = (label: string, summary: Summary): string[] => [
    label,
    String(summary.count),
    ...[summary.p50, summary.p90, summary.p99, summary.max].map((value) => formatMs(value, 0)),
  ];
  return [
    `2. Approval resume: ${result.approvals} approvals one after another after ${result.warmupApprovals} warm-up ones (${(result.elapsedMs / 1_000).toFixed(0)} s)`,
    formatTable([
      ["signed Slack click -> upstream call (ms)", "n", "p50", "p90", "p99", "max"],
      row("same replica (A)", result.sameReplica),
      row("cross replica (B -> A via Redis)", result.crossReplica),
      row("all", result.all),
    ]),
    "Both replicas are gateway processes (the built CLI); the held call is on A; times are the upstream's call-log",
    "timestamp minus the click's send time, whole milliseconds (Date.now() on both sides).",
  ].join("\n");
}
