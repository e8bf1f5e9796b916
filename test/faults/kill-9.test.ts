import { randomUUID } from "node:crypto";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApprovalStore, argumentsHash } from "../../src/approvals/index.js";
import { createPrismaClient } from "../../src/store/index.js";
import {
  connectAgent,
  createGatewayFixture,
  startGatewayProcess,
  type GatewayFixture,
  type GatewayProcess,
} from "../support/gateway-harness.js";
import { pollUntil } from "../support/wait.js";
import { runCli } from "./support/cli-runner.js";
import { mapConcurrently, queryRows, reportFigures, sleep, tally } from "./support/fault-helpers.js";
import { holdCalls } from "./support/held-calls.js";
import { retryTwiceAtOnce } from "./support/racing-retries.js";

const firstBatch = { calls: 100, sessions: 5, tool: "manage_hyperpod_stacks", timeout: "30s" };
const secondBatch = { calls: 20, sessions: 4, tool: "create_api_key" };

const policy = {
  default: "allow",
  rules: [
    {
      id: "approve-stacks",
      tool: firstBatch.tool,
      action: "require_approval",
      approval: { timeout: firstBatch.timeout },
    },
    { id: "approve-keys", tool: secondBatch.tool, action: "require_approval", approval: { timeout: "10m" } },
  ],
};

interface ApprovalRow {
  readonly id: string;
  readonly status: string;
  readonly name: string;
  readonly decided_by: string | null;
  readonly decided_at: Date | null;
  readonly expires_at: Date;
  readonly delivered_at: Date | null;
  readonly execution_outcome: string | null;
}

describe("a gateway killed with SIGKILL while holding pending approvals", () => {
  let fixture: GatewayFixture;
  let replica: GatewayProcess | undefined;
  const clients: Client[] = [];
  const figures: string[] = [];

  const approvalRows = (tool: string) =>
    queryRows<ApprovalRow>(
      fixture.database.url,
      `SELECT id, status, coalesce(arguments->>'stack_name', arguments->>'name') AS name, decided_by,
              decided_at, expires_at, delivered_at, execution_outcome
         FROM approval_requests WHERE tool = $1 ORDER BY name`,
      [tool],
    );
  const executions = (tool: string) => fixture.readCallLog().filter((call) => call.tool === tool);

  /** Opens the batch's agent sessions and holds its calls on them. */
  const holdBatch = async (
    gateway: GatewayProcess,
    batch: { calls: number; sessions: number; tool: string },
    args: (index: number) => Record<string, unknown>,
  ): Promise<Promise<unknown>[]> => {
    const sessions: Client[] = [];
    for (let i = 0; i < batch.sessions; i += 1) sessions.push(await connectAgent(gateway.url, "sagemaker"));
    clients.push(...sessions);
    const held = await holdCalls(sessions, batch.calls, 20, (index) => ({
      name: batch.tool,
      arguments: args(index),
    }));
    figures.push(`${batch.calls} ${batch.tool} calls held in ${(held.heldInMs / 1000).toFixed(1)} s`);
    return held.calls;
  };

  /** SIGKILLs the replica and waits until it is gone; the agents' processes die with it. */
  const killReplica = async (gateway: GatewayProcess, held: Promise<unknown>[]): Promise<Date> => {
    const exited = new Promise((resolve) => gateway.process.once("exit", resolve));
    const killedAt = new Date();
    gateway.process.kill("SIGKILL");
    await exited;
    await Promise.all(clients.splice(0).map((client) => client.close().catch(() => undefined)));
    await Promise.all(held);
    return killedAt;
  };

  beforeAll(async () => {
    fixture = await createGatewayFixture({
      policy,
      extra: { approvals: { hold: "10m", progress_interval: "1s" } },
    });
    replica = await startGatewayProcess(fixture);
  });

  afterAll(async () => {
    reportFigures(`kill -9 with ${firstBatch.calls} pending`, figures);
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    await replica?.stop();
    await fixture?.dispose();
  });

  it("loses no approval, fires every timeout after restart, and executes approved calls exactly once", async () => {
    // First batch: 100 held calls with a short timeout, then kill -9 before anyone decides.
    const first = replica as GatewayProcess;
    const heldFirst = await holdBatch(first, firstBatch, (index) => ({
      operation: "deploy",
      stack_name: `stack-${String(index).padStart(3, "0")}`,
    }));
    // All still pending when the process dies: 30 s leaves room for a slow, busy machine.
    const pendingFirst = await approvalRows(firstBatch.tool);
    expect(tally(pendingFirst, (row) => row.status)).toEqual({ pending: firstBatch.calls });
    const firstKilledAt = await killReplica(first, heldFirst);

    replica = await startGatewayProcess(fixture);
    const afterRestart = await approvalRows(firstBatch.tool);
    expect(afterRestart).toHaveLength(firstBatch.calls);

    // The timeouts were scheduled by the dead process; the restarted one's worker fires them.
    const expired = await pollUntil(
      () => approvalRows(firstBatch.tool),
      (rows) => rows.every((row) => row.status === "expired"),
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    expect(tally(expired, (row) => row.status)).toEqual({ expired: firstBatch.calls });
    expect(expired.every((row) => row.decided_by === "timeout")).toBe(true);
    const firedAfterKill = expired.filter(
      (row) => row.decided_at !== null && row.decided_at.getTime() >= firstKilledAt.getTime(),
    );
    expect(firedAfterKill).toHaveLength(firstBatch.calls);
    const latestFiringMs = Math.max(
      ...expired.map((row) => (row.decided_at?.getTime() ?? 0) - row.expires_at.getTime()),
    );
    expect(executions(firstBatch.tool)).toHaveLength(0);

    // Second batch: held on the restarted process, which is killed too; half approved afterwards.
    const second = replica;
    const heldSecond = await holdBatch(second, secondBatch, (index) => ({
      name: `key-${String(index).padStart(3, "0")}`,
    }));
    await killReplica(second, heldSecond);
    replica = await startGatewayProcess(fixture);
    const pendingSecond = await approvalRows(secondBatch.tool);
    expect(tally(pendingSecond, (row) => row.status)).toEqual({ pending: secondBatch.calls });

    const toApprove = pendingSecond.filter((_, index) => index % 2 === 0);
    const leftPending = pendingSecond.filter((_, index) => index % 2 === 1);
    const approvals = await mapConcurrently(toApprove, 4, (row) =>
      runCli(["approvals", "approve", row.id, "--as", "fault-operator", "--config", fixture.configPath]),
    );
    for (const run of approvals) {
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/Approved: .* is now approved/);
    }
    await sleep(500);
    expect(executions(secondBatch.tool)).toHaveLength(0);

    const redeemed = await retryTwiceAtOnce(
      replica.url,
      secondBatch.tool,
      toApprove.map((row) => row.name),
    );
    const executedByName = tally(executions(secondBatch.tool), (call) => String(call.args.name));
    expect(executedByName).toEqual(Object.fromEntries(toApprove.map((row) => [row.name, 1])));
    expect(redeemed.executedByName).toEqual(Object.fromEntries(toApprove.map((row) => [row.name, 1])));

    const finalRows = await approvalRows(secondBatch.tool);
    const originals = new Map(finalRows.map((row) => [row.id, row]));
    for (const row of toApprove) {
      expect(originals.get(row.id)).toMatchObject({ status: "approved", execution_outcome: "ok" });
      expect(originals.get(row.id)?.delivered_at).not.toBeNull();
    }
    for (const row of leftPending) expect(originals.get(row.id)?.status).toBe("pending");

    figures.push(
      `${firstBatch.calls - afterRestart.length} lost`,
      `${executions(firstBatch.tool).length} executed`,
      `${firedAfterKill.length}/${firstBatch.calls} timeouts fired by the restarted process (latest ${(latestFiringMs / 1000).toFixed(1)} s past expiry)`,
      `second batch of ${secondBatch.calls}: ${secondBatch.calls - pendingSecond.length} lost, ${toApprove.length} approved via CLI after restart, ${Object.keys(executedByName).length}/${toApprove.length} executed exactly once under ${toApprove.length * 2} racing retries (${redeemed.alreadyCollected} told already collected, ${redeemed.abandoned} new requests abandoned), 0/${leftPending.length} unapproved executed`,
    );
  });

  // A process killed after persisting a request but before scheduling its timeout leaves a
  // pending row with no expiry job; the replicas alive afterwards must still expire it.
  it("expires a request whose timeout was never scheduled, after a restart", async () => {
    const prisma = createPrismaClient(fixture.database.url, { maxConnections: 2 });
    try {
      const args = { name: "stranded" };
      const stranded = await new ApprovalStore(prisma).create({
        id: randomUUID(),
        agentId: "ci-bot",
        sessionId: null,
        upstream: "sagemaker",
        tool: secondBatch.tool,
        arguments: args,
        argumentsHash: argumentsHash(args),
        ruleId: "approve-keys",
        channel: null,
        approvers: [],
        quorum: 1,
        onTimeout: "deny",
        requireReasonOnDeny: false,
        expiresAt: new Date(Date.now() + 2_000),
      });
      await replica?.stop("SIGKILL");
      replica = await startGatewayProcess(fixture);
      const status = await pollUntil(
        async () => (await approvalRows(secondBatch.tool)).find((row) => row.id === stranded.id)?.status,
        (current) => current === "expired",
        { timeoutMs: 20_000, intervalMs: 500 },
      );
      const outcome =
        status === "expired" ? "expired after the restart" : `still ${status} 20 s after the restart`;
      figures.push(`a request persisted without its timeout job (due in 2 s): ${outcome}`);
      expect(status).toBe("expired");
    } finally {
      await prisma.$disconnect();
    }
  });
});
