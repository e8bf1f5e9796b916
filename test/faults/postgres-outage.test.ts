import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  agentTokens,
  connectAgent,
  createGatewayFixture,
  migrateDatabase,
  startGatewayProcess,
  type GatewayFixture,
  type GatewayProcess,
} from "../support/gateway-harness.js";
import { pollUntil } from "../support/wait.js";
import { startAgentLoad, type CallKind, type CallSample } from "./support/agent-load.js";
import { startOwnPostgres, type OwnPostgres } from "../support/services.js";
import { queryCount, queryRows, reportFigures, sleep } from "./support/fault-helpers.js";

const agentCount = 6;
const outageMs = 10_000;

const policy = {
  default: "allow",
  rules: [
    { id: "approve-keys", tool: "create_api_key", action: "require_approval", approval: { timeout: "10m" } },
  ],
};

// Agent i makes kinds[i % 3]: four agents make allowed calls, two ask for approval.
const kinds: CallKind[] = [
  { kind: "allowed", tool: "list_endpoints", args: (agent, sequence) => ({ call: `a${agent}-${sequence}` }) },
  {
    kind: "approval",
    tool: "create_api_key",
    args: (agent, sequence) => ({ name: `k${agent}-${sequence}` }),
  },
  { kind: "allowed", tool: "list_endpoints", args: (agent, sequence) => ({ call: `a${agent}-${sequence}` }) },
];

describe("PostgreSQL stopped for 10 s under load", () => {
  let postgres: OwnPostgres;
  let fixture: GatewayFixture;
  let gateway: GatewayProcess;
  const agents: Client[] = [];

  beforeAll(async () => {
    // A server of its own: the run-wide one serves the other scenarios running alongside.
    postgres = await startOwnPostgres();
    await migrateDatabase(postgres.database.url);
    fixture = await createGatewayFixture({
      policy,
      database: postgres.database,
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
    await fixture?.dispose();
    await postgres?.dispose();
  });

  it("runs nothing that needs approval, and records every allowed call exactly once when it is back", async () => {
    const load = startAgentLoad(agents, kinds, { timeoutMs: 60_000 });
    await sleep(3_000);
    await postgres.stop();
    const downAt = Date.now();
    await sleep(outageMs);
    const backAt = Date.now();
    await postgres.start();
    const approvalsBack = await pollUntil(
      () => Promise.resolve(approvalsAnsweredPending(load.samples, backAt)),
      (count) => count >= 2,
      { timeoutMs: 60_000 },
    );
    await load.stop();

    const during = load.samples.filter((sample) => sample.startedAt >= downAt && sample.startedAt < backAt);
    // Calls that also ended before the outage did: one that was still under way when it ended
    // may rightly have been served.
    const within = during.filter((sample) => sample.endedAt <= backAt);
    const allowedDuring = during.filter((sample) => sample.kind === "allowed");
    const approvalsDuring = within.filter((sample) => sample.kind === "approval");
    const refusedClearly = approvalsDuring.filter(
      (sample) =>
        sample.isError &&
        !sample.failed &&
        /approval queue is unavailable \(the database unreachable\)/.test(sample.text),
    );
    const allowedCalls = load.samples.filter((sample) => sample.kind === "allowed");
    const allowedServed = allowedCalls.filter((sample) => !sample.isError);
    const recorded = await pollUntil(
      () => queryCount(fixture.database.url, "SELECT count(*)::int AS n FROM decisions"),
      (count) => count >= load.samples.length,
      { timeoutMs: 60_000 },
    );
    const allowedRows = await queryRows<{ call: string; n: number }>(
      fixture.database.url,
      `SELECT arguments->>'call' AS call, count(*)::int AS n FROM decisions
        WHERE tool = 'list_endpoints' GROUP BY 1`,
    );
    const recordedCalls = new Map(allowedRows.map((row) => [row.call, row.n]));
    const lost = allowedCalls.filter((sample) => !recordedCalls.has(callId(sample))).length;
    const duplicated = allowedRows.filter((row) => row.n > 1).length;
    const [chain] = await queryRows<{ n: number; first: number; last: number }>(
      fixture.database.url,
      "SELECT count(*)::int AS n, min(seq)::int AS first, max(seq)::int AS last FROM decisions",
    );
    const approvalsRun = fixture.readCallLog().filter((call) => call.tool === "create_api_key").length;
    const maxRefusalMs = Math.max(0, ...approvalsDuring.map((sample) => sample.endedAt - sample.startedAt));

    reportFigures("PostgreSQL stopped 10 s under 6 agents", [
      `${load.samples.length} calls`,
      `approval calls refused clearly ${refusedClearly.length}/${approvalsDuring.length} (max latency ${maxRefusalMs} ms)`,
      `${approvalsRun} approval calls executed`,
      `allowed calls during the outage served ${allowedDuring.filter((sample) => !sample.isError).length}/${allowedDuring.length}`,
      `after it: ${lost} allowed calls lost, ${duplicated} duplicated, ${recorded}/${load.samples.length} decisions recorded`,
      `decision chain seq ${chain?.first}..${chain?.last} over ${chain?.n} rows`,
    ]);

    expect(gateway.process.exitCode).toBeNull();
    expect.soft(load.samples.filter((sample) => sample.failed)).toEqual([]);
    expect.soft(approvalsDuring.length).toBeGreaterThan(0);
    expect
      .soft(
        approvalsDuring.filter((sample) => !refusedClearly.includes(sample)).map((sample) => sample.text),
        "approval calls during the outage not refused clearly",
      )
      .toEqual([]);
    expect.soft(approvalsRun).toBe(0);
    expect.soft(approvalsBack).toBeGreaterThanOrEqual(2);
    expect.soft(allowedDuring.length).toBeGreaterThan(0);
    expect.soft(allowedCalls.filter((sample) => sample.isError)).toEqual([]);
    expect
      .soft(fixture.readCallLog().filter((call) => call.tool === "list_endpoints"))
      .toHaveLength(allowedServed.length);
    expect.soft(lost).toBe(0);
    expect.soft(duplicated).toBe(0);
    expect.soft(allowedRows.reduce((sum, row) => sum + row.n, 0)).toBe(allowedCalls.length);
    expect.soft(recorded).toBe(load.samples.length);
    // One linear chain: no gaps, no sequence number used twice.
    expect.soft(chain).toEqual({ n: recorded, first: 1, last: recorded });
  });
});

function callId(sample: CallSample): string {
  return `a${sample.agent}-${sample.sequence}`;
}

/** Approval calls started after `since` that were held as pending: approvals work again. */
function approvalsAnsweredPending(samples: readonly CallSample[], since: number): number {
  return samples.filter(
    (sample) =>
      sample.kind === "approval" && sample.startedAt >= since && sample.text.startsWith("Approval pending"),
  ).length;
}
