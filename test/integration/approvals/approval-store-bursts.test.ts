import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApprovalStore } from "../../../src/approvals/approval-store.js";
import type { TestDatabase } from "../../support/services.js";
import { pollUntil } from "../../support/wait.js";
import { newRequest, openStoreDatabase, queryRows, voteOn, type StoreDatabase } from "./approval-fixtures.js";

const applicationName = "approval-store-bursts";

/** One store on one pool of 10 connections, as in a gateway process. */
describe("ApprovalStore under a burst of clicks", () => {
  let opened: StoreDatabase;
  let database: TestDatabase;
  let store: ApprovalStore;

  beforeAll(async () => {
    opened = await openStoreDatabase({ maxConnections: 10, applicationName });
    database = opened.database;
    store = new ApprovalStore(opened.prisma);
  });

  afterAll(async () => {
    await opened.close();
  });

  it("decides once among 300 simultaneous votes on one request, on one pooled connection", async () => {
    const request = await store.create(newRequest({ quorum: 1 }));
    const outcomes = await Promise.all(
      Array.from({ length: 300 }, (_, index) =>
        store.vote(voteOn(request.id, { reviewerId: `U-${index}`, reviewerName: `Reviewer ${index}` })).then(
          (result) => (result.kind === "recorded" && result.decided ? "decided" : result.kind),
          (error: unknown) => `failed: ${String(error)}`,
        ),
      ),
    );

    expect(tally(outcomes)).toEqual({ decided: 1, already_decided: 299 });
    // Queued on the row lock inside Postgres, the votes would hold every connection of the pool.
    expect(await connectionsOpened()).toBe(1);
  });

  it.each([
    [
      "the deciding vote",
      (id: string) => store.vote(voteOn(id, { reviewerId: "U-bob", reviewerName: "Bob" })),
    ],
    ["the expiry", (id: string) => store.expire(id)],
  ])("stamps %s with a time read once the row lock is held", async (_label, decide) => {
    const request = await store.create(newRequest({ quorum: 2 }));
    // Another replica holds the request's lock and records Ann's vote while this one waits.
    const replica = new pg.Client({ connectionString: database.url });
    await replica.connect();
    try {
      await replica.query("BEGIN");
      await replica.query("SELECT id FROM approval_requests WHERE id = $1 FOR UPDATE", [request.id]);
      const decided = decide(request.id);
      await pollUntil(
        () => waitingOnLocks(),
        (waiting) => waiting > 0,
        { timeoutMs: 10_000, intervalMs: 20 },
      );
      await replica.query(
        `INSERT INTO approval_votes (id, approval_id, reviewer_id, reviewer_name, channel, vote, created_at)
         VALUES ($1, $2, 'U-ann', 'Ann', 'slack', 'approve', clock_timestamp())`,
        [randomUUID(), request.id],
      );
      await replica.query("COMMIT");
      await decided;
    } finally {
      await replica.end();
    }

    const stored = await store.get(request.id);
    const annVote = stored?.votes.find((vote) => vote.reviewerId === "U-ann");
    expect(stored?.decidedAt).toBeInstanceOf(Date);
    expect(annVote).toBeDefined();
    expect(stored?.decidedAt?.getTime()).toBeGreaterThanOrEqual(annVote?.createdAt.getTime() ?? Infinity);
    for (const vote of stored?.votes ?? []) {
      expect(vote.createdAt.getTime()).toBeLessThanOrEqual(stored?.decidedAt?.getTime() ?? -Infinity);
    }
  });

  /** The pool's connections to Postgres, busy or idle. */
  async function connectionsOpened(): Promise<number> {
    const [row] = await queryRows<{ n: number }>(
      database.url,
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1",
      [applicationName],
    );
    return row?.n ?? -1;
  }

  async function waitingOnLocks(): Promise<number> {
    const [row] = await queryRows<{ n: number }>(
      database.url,
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE application_name = $1 AND wait_event_type = 'Lock'`,
      [applicationName],
    );
    return row?.n ?? 0;
  }
});

function tally(items: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[item] = (counts[item] ?? 0) + 1;
  return counts;
}
