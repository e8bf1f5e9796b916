import { randomUUID } from "node:crypto";
import path from "node:path";
import type { TargetContext } from "../support/allow-targets.js";
import { alternateSequentially, fireBurst, type BurstRun } from "../support/burst.js";
import { gatewayMcpUrl, stdioUpstream, writeGatewayConfig } from "../support/gateway.js";
import { rotate } from "../support/interleaved-rounds.js";
import { freePort, startGatewayProcess } from "../support/processes.js";
import { createBenchDatabase } from "../support/services.js";
import { closeSessions, openHttpSessions } from "../support/sessions.js";

export interface RateLimitPlan {
  readonly sessions: number;
  readonly callsPerSession: number;
  readonly rounds: number;
  /** Calls per session in the one-at-a-time comparison. */
  readonly sequentialCalls: number;
}

/** plain: an allow rule; counted: a rate-limit rule it never reaches; limited: `max: 100`. */
export type Variant = "plain" | "counted" | "limited";
export const variants: readonly Variant[] = ["plain", "counted", "limited"];
export const limitMax = 100;

export interface RateLimitRuns {
  readonly plan: RateLimitPlan;
  readonly bursts: Record<Variant, BurstRun[]>;
  /** Latencies of the one-at-a-time calls, alternating plain / counted. */
  readonly sequential: { plain: number[]; counted: number[] };
}

/**
 * Section 4: bursts of sessions x callsPerSession simultaneous calls through one gateway
 * process, in rounds, against three rules that differ only in their rate limit. Each round
 * uses fresh agents, so every `limited` burst starts with an empty window.
 */
export async function runRateLimitBursts(
  context: TargetContext,
  plan: RateLimitPlan,
): Promise<RateLimitRuns> {
  const { teardown } = context;
  const agents = [
    ...variants.flatMap((variant) =>
      Array.from({ length: plan.rounds }, (_, round) => `${variant}-r${round}`),
    ),
    "plain-warmup",
    "plain-seq",
    "counted-seq",
  ];
  const database = await createBenchDatabase(context.databaseServerUrl);
  teardown.defer("rate-limit database", () => database.drop());
  const port = await freePort();
  const configPath = path.join(context.dir, `rate-limit-${port}.yaml`);
  writeGatewayConfig(configPath, {
    ...{ port, redisUrl: context.redisUrl, keyPrefix: `bench-${randomUUID().slice(0, 8)}` },
    databaseUrl: database.url,
    upstreamUrl: stdioUpstream,
    policy: burstPolicy(),
    agents: agents.map((id) => ({ id, token: tokenOf(id) })),
  });
  const gateway = await startGatewayProcess(configPath, port);
  teardown.defer("rate-limit gateway", () => gateway.stop());
  const url = gatewayMcpUrl(gateway.url);
  const burst = async (agent: string, perSession = plan.callsPerSession): Promise<BurstRun> => {
    const sessions = await openHttpSessions(url, plan.sessions, tokenOf(agent));
    try {
      return await fireBurst(sessions, perSession);
    } finally {
      await closeSessions(sessions);
    }
  };

  // Connections, JIT and the upstream warm up on a burst that is not reported.
  await burst("plain-warmup", Math.ceil(plan.callsPerSession / 5));
  const bursts: Record<Variant, BurstRun[]> = { plain: [], counted: [], limited: [] };
  for (let round = 0; round < plan.rounds; round += 1) {
    for (const variant of rotate(variants, round)) bursts[variant].push(await burst(`${variant}-r${round}`));
  }
  const pair = [
    ...(await openHttpSessions(url, 1, tokenOf("plain-seq"))),
    ...(await openHttpSessions(url, 1, tokenOf("counted-seq"))),
  ];
  try {
    const [plain = [], counted = []] = await alternateSequentially(pair, plan.sequentialCalls);
    return { plan, bursts, sequential: { plain, counted } };
  } finally {
    await closeSessions(pair);
  }
}

function burstPolicy(): Record<string, unknown> {
  const limited = (max: number): Record<string, unknown> => ({ max, window: "60s", per: "agent" });
  return {
    default: "deny",
    rules: [
      {
        id: "burst-limited",
        tool: "describe_endpoint",
        agent: "limited-*",
        action: "rate_limit",
        rate_limit: limited(limitMax),
      },
      {
        id: "burst-counted",
        tool: "describe_endpoint",
        agent: "counted-*",
        action: "rate_limit",
        rate_limit: limited(1_000_000_000),
      },
      { id: "burst-plain", tool: "describe_endpoint", agent: "plain-*", action: "allow" },
    ],
  };
}

function tokenOf(agent: string): string {
  return `${agent}-token-0123456789abcdef`;
}
