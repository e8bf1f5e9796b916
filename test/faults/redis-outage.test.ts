import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  agentTokens,
  connectAgent,
  createGatewayFixture,
  startGatewayProcess,
  type GatewayFixture,
  type GatewayProcess,
} from "../support/gateway-harness.js";
import { startOwnRedis, type OwnRedis } from "../support/services.js";
import { pollUntil } from "../support/wait.js";
import { startAgentLoad, type CallKind, type CallSample } from "./support/agent-load.js";
import { queryCount, reportFigures, sleep } from "./support/fault-helpers.js";

const agentCount = 8;
const outageMs = 10_000;
/** A generous bound on how long a refused call may take: "fails fast", on a loaded 2-core machine. */
const refusalBoundMs = 5_000;

const policy = {
  default: "allow",
  rules: [
    {
      id: "counted",
      tool: "describe_endpoint",
      action: "rate_limit",
      rate_limit: { max: 100_000, window: "60s", per: "session" },
    },
    { id: "approve-keys", tool: "create_api_key", action: "require_approval", approval: { timeout: "10m" } },
  ],
};

// Agent i makes kinds[i % 3]: three agents need no Redis, three are counted, two need approval.
const kinds: CallKind[] = [
  { kind: "free", tool: "list_endpoints", args: () => ({}) },
  { kind: "counted", tool: "describe_endpoint", args: () => ({ endpoint_name: "ep-alpha" }) },
  {
    kind: "approval",
    tool: "create_api_key",
    args: (agent, sequence) => ({ name: `k-${agent}-${sequence}` }),
  },
];
const countedAgents = Array.from({ length: agentCount }, (_, agent) => agent).filter(
  (agent) => kinds[agent % kinds.length]?.kind === "counted",
).length;

describe("Redis goes away for 10 s under load from 8 agents", () => {
  let redis: OwnRedis;
  let fixture: GatewayFixture;
  let gateway: GatewayProcess;
  const agents: Client[] = [];

  beforeAll(async () => {
    redis = await startOwnRedis();
    // A short hold: when Redis is up, approval calls answer "approval pending" after 2 s.
    fixture = await createGatewayFixture({
      policy,
      redisUrl: redis.url,
      extra: { approvals: { hold: "2s" } },
    });
    gateway = await startGatewayProcess(fixture);
    const tokens = Object.values(agentTokens);
    for (let i = 0; i < agentCount; i += 1) {
      agents.push(await connectAgent(gateway.url, "sagemaker", tokens[i % tokens.length]));
    }
  });

  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.close().catch(() => undefined)));
    await gateway?.stop();
    await redis?.dispose();
    await fixture?.dispose();
  });

  it("refuses what needs Redis quickly and clearly, serves the rest, and recovers by itself", async () => {
    const load = startAgentLoad(agents, kinds, { timeoutMs: 60_000 });
    await sleep(3_000);
    await redis.stop();
    const downAt = Date.now();
    await sleep(outageMs);
    const backAt = Date.now();
    await redis.start();

    // Recovery: every counted agent's calls pass again, with the same gateway process.
    const recoveredAt = await pollUntil(
      () => Promise.resolve(firstSuccessAfter(load.samples, backAt)),
      (times) => times.size === countedAgents,
      { timeoutMs: 60_000 },
    );
    await sleep(5_000);
    await load.stop();
    const recoveredBy = Math.max(...recoveredAt.values());

    const during = load.samples.filter((sample) => sample.startedAt >= downAt && sample.startedAt < backAt);
    // Calls that also ended before the outage did: one that was still under way when it ended
    // may rightly have been served.
    const within = during.filter((sample) => sample.endedAt <= backAt);
    const after = load.samples.filter((sample) => sample.startedAt >= recoveredBy);
    // Calls under way at some moment while Redis was down, and how long each was stuck then.
    const caught = (kind: string) =>
      load.samples.filter(
        (sample) => sample.kind === kind && sample.startedAt < backAt && sample.endedAt > downAt,
      );
    const longestStuckMs = (samples: readonly CallSample[]) =>
      Math.max(0, ...samples.map((sample) => sample.endedAt - Math.max(sample.startedAt, downAt)));
    const refused = (samples: readonly CallSample[]) =>
      samples.filter((sample) => outageExplanation(sample) === "unavailable (Redis)");
    const countedDuring = within.filter((sample) => sample.kind === "counted");
    const approvalsCaught = caught("approval");
    const approvalsDuring = within.filter((sample) => sample.kind === "approval");
    const freeDuring = during.filter((sample) => sample.kind === "free");
    const countedAfter = after.filter((sample) => sample.kind === "counted");
    const approvalsAfter = after.filter((sample) => sample.kind === "approval");
    const calls = fixture.readCallLog();
    const countedPassed = load.samples.filter((sample) => sample.kind === "counted" && !sample.isError);
    const recorded = await pollUntil(
      () => queryCount(fixture.database.url, "SELECT count(*)::int AS n FROM decisions"),
      (count) => count >= load.samples.length,
      { timeoutMs: 30_000 },
    );

    reportFigures("Redis down 10 s under 8 agents", [
      `${load.samples.length} calls`,
      `rate-limited calls during it refused "unavailable (Redis)" ${refused(countedDuring).length}/${countedDuring.length} (longest ${longestStuckMs(caught("counted"))} ms)`,
      `approval calls caught by it ${approvalsCaught.length}, refused "unavailable (Redis)" ${refused(approvalsCaught).length} (longest ${longestStuckMs(approvalsCaught)} ms)`,
      `bound ${refusalBoundMs} ms`,
      `calls needing no Redis served ${freeDuring.filter((sample) => !sample.isError).length}/${freeDuring.length}`,
      `recovered ${((recoveredBy - backAt) / 1000).toFixed(1)} s after Redis returned without a restart`,
      `${load.samples.filter((sample) => sample.failed).length} hung past the client timeout`,
      `${recorded}/${load.samples.length} decisions recorded`,
    ]);

    expect(gateway.process.exitCode).toBeNull();
    expect.soft(load.samples.filter((sample) => sample.failed)).toEqual([]);
    // Fail closed, say why, and quickly: rate-limited calls and approvals alike.
    expect.soft(countedDuring.length).toBeGreaterThan(0);
    expect.soft(refused(countedDuring)).toHaveLength(countedDuring.length);
    expect
      .soft(refused(approvalsCaught).length, "approval calls refused during the outage")
      .toBeGreaterThan(0);
    expect.soft(refused(approvalsDuring)).toHaveLength(approvalsDuring.length);
    expect.soft(longestStuckMs(caught("counted"))).toBeLessThan(refusalBoundMs);
    expect
      .soft(longestStuckMs(approvalsCaught), "longest approval call stuck in the outage")
      .toBeLessThan(refusalBoundMs);
    // Calls that need no Redis do not notice.
    expect.soft(freeDuring.length).toBeGreaterThan(0);
    expect.soft(freeDuring.filter((sample) => sample.isError)).toEqual([]);
    // Recovery: rate limits and approvals work again.
    expect.soft(countedAfter.length).toBeGreaterThan(0);
    expect.soft(countedAfter.filter((sample) => sample.isError)).toEqual([]);
    expect.soft(approvalsAfter.length).toBeGreaterThan(0);
    expect.soft(approvalsAfter.filter((sample) => !sample.text.startsWith("Approval pending"))).toEqual([]);
    // Nothing refused reached the upstream, nothing needing approval ran, every call is recorded.
    expect.soft(calls.filter((call) => call.tool === "describe_endpoint")).toHaveLength(countedPassed.length);
    expect.soft(calls.filter((call) => call.tool === "create_api_key")).toHaveLength(0);
    expect.soft(recorded).toBe(load.samples.length);
  });
});

/** When each agent's first counted call started after `since` succeeded. */
function firstSuccessAfter(samples: readonly CallSample[], since: number): Map<number, number> {
  const times = new Map<number, number>();
  for (const sample of samples) {
    if (sample.kind !== "counted" || sample.isError || sample.startedAt < since) continue;
    times.set(sample.agent, Math.min(times.get(sample.agent) ?? Infinity, sample.startedAt));
  }
  return times;
}

/** What the refusal says about why, reduced to what the test asserts. */
function outageExplanation(sample: CallSample): string {
  if (!sample.isError) return "served";
  if (/unavailable \(Redis( unreachable)?\)/.test(sample.text) && sample.text.includes("not executed")) {
    return "unavailable (Redis)";
  }
  return sample.text.slice(0, 160);
}
