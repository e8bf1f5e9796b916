import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorCode, GatewayError } from "../../../src/errors.js";
import type { PrismaClient } from "../../../src/generated/prisma/client.js";
import { createPrismaClient } from "../../../src/store/prisma-client.js";
import { createMigratedDatabase } from "../../support/gateway-harness.js";
import { startOwnRedis, type OwnRedis, type TestDatabase } from "../../support/services.js";
import { pollUntil } from "../../support/wait.js";
import { queryRows } from "./approval-fixtures.js";
import {
  approvalRule,
  approvalSpec,
  keyCall,
  RecordingNotifier,
  settlementWithin,
  startApprovalReplica,
  type ApprovalReplica,
} from "./approval-service-fixture.js";

/** Far above the one-second Redis deadline, far below "waits until Redis is back". */
const hangBoundMs = 5_000;

interface RequestRow {
  readonly id: string;
  readonly status: string;
  readonly decision_reason: string | null;
  readonly decided_by: string | null;
}

describe("opening an approval while Redis is away", () => {
  let redis: OwnRedis;
  let database: TestDatabase;
  let prisma: PrismaClient;
  let notifier: RecordingNotifier;
  let replica: ApprovalReplica;

  const requestFor = async (name: string): Promise<RequestRow[]> =>
    queryRows<RequestRow>(
      database.url,
      `SELECT id, status, decision_reason, decided_by FROM approval_requests WHERE arguments->>'name' = $1`,
      [name],
    );

  beforeAll(async () => {
    redis = await startOwnRedis();
    database = await createMigratedDatabase();
    prisma = createPrismaClient(database.url);
    notifier = new RecordingNotifier();
    replica = await startApprovalReplica({ prisma, redisUrl: redis.url, notifier, role: "gateway" });
  });

  afterAll(async () => {
    await replica?.close();
    await prisma?.$disconnect();
    await redis?.dispose();
    await database?.drop();
  });

  it("fails closed with REDIS_UNAVAILABLE instead of waiting for Redis, and withdraws the request", async () => {
    await redis.stop();
    const opened = await settlementWithin(
      replica.service.open(keyCall("while-down"), approvalRule, approvalSpec()),
      hangBoundMs,
    );
    await redis.start();

    expect(opened.kind).toBe("rejected");
    const error = opened.kind === "rejected" ? opened.error : undefined;
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: ErrorCode.RedisUnavailable });
    const [row, ...others] = await requestFor("while-down");
    expect(others).toEqual([]);
    expect(row).toMatchObject({ status: "cancelled", decided_by: null });
    expect(row?.decision_reason).toContain("Redis");

    // Once Redis is back, the same replica asks people again without a restart.
    let attempt = 0;
    const reopened = await pollUntil(
      () =>
        settlementWithin(
          replica.service.open(keyCall(`after-${(attempt += 1)}`), approvalRule, approvalSpec()),
          hangBoundMs,
        ),
      (settled) => settled.kind === "fulfilled",
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    expect(reopened).toMatchObject({ kind: "fulfilled", value: { status: "pending" } });
    const pendingId = reopened.kind === "fulfilled" ? reopened.value.id : "";
    await pollUntil(
      () => Promise.resolve(notifier.posted.map((request) => request.id)),
      (ids) => ids.includes(pendingId),
    );
    expect(notifier.posted.map((request) => request.id)).toContain(pendingId);
  });

  it("gives up on a stalled Redis at the deadline; the jobs it adds late neither post nor expire", async () => {
    const admin = new Redis(redis.url);
    const queue = new Queue("approvals", { connection: admin, prefix: `${replica.keyPrefix}:bull` });
    try {
      // Connections stay up while every command waits: the queue connection still looks ready.
      await admin.client("PAUSE", 3_000, "ALL");
      const opened = await settlementWithin(
        replica.service.open(keyCall("while-stalled"), approvalRule, approvalSpec({ timeoutMs: 2_000 })),
        hangBoundMs,
      );
      expect(opened.kind).toBe("rejected");
      expect(opened.kind === "rejected" ? opened.error : undefined).toMatchObject({
        code: ErrorCode.RedisUnavailable,
      });
      const [withdrawn] = await requestFor("while-stalled");
      expect(withdrawn).toMatchObject({ status: "cancelled" });
      const id = withdrawn?.id ?? "";

      // Redis resumes and runs the adds it was sent: both jobs exist and run on the worker.
      const states = await pollUntil(
        () => Promise.all([queue.getJobState(`post-${id}`), queue.getJobState(`expire-${id}`)]),
        (current) => current.every((state) => state === "completed"),
        { timeoutMs: 20_000, intervalMs: 200 },
      );
      expect(states).toEqual(["completed", "completed"]);
      expect(notifier.posted.map((request) => request.id)).not.toContain(id);
      expect(await requestFor("while-stalled")).toEqual([withdrawn]);
    } finally {
      await queue.close();
      admin.disconnect();
    }
  });
});
