import type { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApprovalStore, ApprovalSweep, type ApprovalRequest } from "../../../src/approvals/index.js";
import type { PrismaClient } from "../../../src/generated/prisma/client.js";
import { createRedisConnection } from "../../../src/redis/index.js";
import { createPrismaClient } from "../../../src/store/prisma-client.js";
import { createMigratedDatabase } from "../../support/gateway-harness.js";
import { sharedRedisUrl, uniquePrefix, withClient, type TestDatabase } from "../../support/services.js";
import { pollUntil } from "../../support/wait.js";
import { newRequest, queryRows } from "./approval-fixtures.js";
import { RecordingNotifier, startApprovalReplica, type ApprovalReplica } from "./approval-service-fixture.js";

const hourMs = 3_600_000;

interface RequestRow {
  readonly id: string;
  readonly status: string;
  readonly decided_by: string | null;
  readonly slack_message_ts: string | null;
}

/** Requests saved as a replica killed before scheduling their jobs leaves them: no jobs at all. */
describe("the approval sweep", () => {
  const keyPrefix = uniquePrefix("sweep");
  const wakeUps: string[] = [];
  let database: TestDatabase;
  let prisma: PrismaClient;
  let store: ApprovalStore;
  let subscriber: Redis;
  let publisher: Redis;
  let notifier: RecordingNotifier;
  const replicas: ApprovalReplica[] = [];

  const row = async (id: string): Promise<RequestRow | undefined> =>
    (
      await queryRows<RequestRow>(
        database.url,
        "SELECT id, status, decided_by, slack_message_ts FROM approval_requests WHERE id = $1",
        [id],
      )
    )[0];

  const stranded = async (expiresInMs: number, slackMessage: boolean): Promise<ApprovalRequest> => {
    const request = await store.create(newRequest({ expiresAt: new Date(Date.now() + expiresInMs) }));
    if (slackMessage) await store.setSlackMessage(request.id, "C0APPROVALS", `17.${request.id.slice(0, 6)}`);
    return request;
  };

  /** Resolves once every wake-up published so far has arrived. */
  const wakeUpsSoFar = async (): Promise<string[]> => {
    const marker = uniquePrefix("marker");
    await publisher.publish(`${keyPrefix}:approvals:decided`, marker);
    await pollUntil(
      () => Promise.resolve(wakeUps.includes(marker)),
      (seen) => seen,
    );
    return wakeUps.filter((id) => !id.startsWith("marker"));
  };

  beforeAll(async () => {
    database = await createMigratedDatabase();
    prisma = createPrismaClient(database.url);
    store = new ApprovalStore(prisma);
    notifier = new RecordingNotifier();
    subscriber = createRedisConnection(sharedRedisUrl(), { name: "sweep-test", purpose: "bullmq" });
    subscriber.on("message", (_channel: string, id: string) => wakeUps.push(id));
    await subscriber.subscribe(`${keyPrefix}:approvals:decided`);
    publisher = createRedisConnection(sharedRedisUrl(), { name: "sweep-test-marker", purpose: "bullmq" });
  });

  afterAll(async () => {
    for (const replica of replicas) await replica.close();
    subscriber?.disconnect();
    publisher?.disconnect();
    await prisma?.$disconnect();
    await database?.drop();
  });

  it("at start-up expires overdue requests and announces them, re-posts unposted ones, and leaves the rest", async () => {
    const overdue = await stranded(-60_000, true);
    const notDue = await stranded(hourMs, true);
    const unposted = await stranded(hourMs, false);
    await withClient(database.url, (client) =>
      client.query("UPDATE approval_requests SET created_at = now() - interval '10 minutes' WHERE id = $1", [
        unposted.id,
      ]),
    );
    const justCreated = await stranded(hourMs, false);

    const replica = await startApprovalReplica({
      prisma,
      redisUrl: sharedRedisUrl(),
      notifier,
      role: "gateway",
      keyPrefix,
    });
    replicas.push(replica);

    // The expiry is announced: held calls wake, and the Slack message is updated in place.
    const updated = await pollUntil(
      () => Promise.resolve(notifier.updated),
      (requests) => requests.some((request) => request.id === overdue.id),
    );
    expect(updated.map((request) => [request.id, request.status])).toEqual([[overdue.id, "expired"]]);
    expect(await row(overdue.id)).toMatchObject({ status: "expired", decided_by: "timeout" });
    expect(await wakeUpsSoFar()).toEqual([overdue.id]);

    const posted = await pollUntil(
      async () => (await row(unposted.id))?.slack_message_ts,
      (ts) => typeof ts === "string",
    );
    expect(posted).toEqual(expect.any(String));
    expect(notifier.posted.map((request) => request.id)).toEqual([unposted.id]);
    expect(await row(unposted.id)).toMatchObject({ status: "pending" });

    // Not due yet, or too new to have lost its post: untouched.
    expect(await row(notDue.id)).toMatchObject({ status: "pending", decided_by: null });
    expect(await row(justCreated.id)).toMatchObject({ status: "pending", slack_message_ts: null });

    const report = replica
      .logs()
      .split("\n")
      .filter((line) => line.includes("approval sweep repaired stranded requests"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(report).toEqual([
      expect.objectContaining({ expired: 1, reposted: 1, repostedIds: [unposted.id], level: 30 }),
    ]);
  });

  it("applies a timeout once when several replicas sweep at the same moment", async () => {
    // Only the sweeps below may touch the request: stop the gateway replica's own.
    for (const replica of replicas.splice(0)) await replica.close();
    const overdue = await stranded(-1_000, false);
    const sweeps: ApprovalSweep[] = [];
    for (let i = 0; i < 3; i += 1) {
      const operator = await startApprovalReplica({
        prisma,
        redisUrl: sharedRedisUrl(),
        notifier: undefined,
        role: "operator",
        keyPrefix,
      });
      replicas.push(operator);
      const logger = pino({ level: "silent" });
      sweeps.push(new ApprovalSweep({ store: new ApprovalStore(prisma), service: operator.service, logger }));
    }

    const reports = await Promise.all(sweeps.map((sweep) => sweep.sweep()));

    expect(reports.map((report) => report.expired).reduce((sum, count) => sum + count, 0)).toBe(1);
    expect(await row(overdue.id)).toMatchObject({ status: "expired", decided_by: "timeout" });
    expect((await wakeUpsSoFar()).filter((id) => id === overdue.id)).toEqual([overdue.id]);
  });
});
