import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApprovalStore } from "../../../src/approvals/approval-store.js";
import type { PrismaClient } from "../../../src/generated/prisma/client.js";
import { createPrismaClient } from "../../../src/store/prisma-client.js";
import { createMigratedDatabase } from "../../support/gateway-harness.js";
import type { TestDatabase } from "../../support/services.js";
import { newRequest, queryRows, voteOn } from "./approval-fixtures.js";

const applicationName = "approval-store-bursts";

/** One store on one pool of 10 connections, as in a gateway process. */
describe("ApprovalStore under a burst of clicks", () => {
  let database: TestDatabase;
  let store: ApprovalStore;
  let prisma: PrismaClient;

  beforeAll(async () => {
    database = await createMigratedDatabase();
    const url = new URL(database.url);
    url.searchParams.set("application_name", applicationName);
    prisma = createPrismaClient(url.toString(), { maxConnections: 10 });
    store = new ApprovalStore(prisma);
  });

  afterAll(async () => {
    await prisma.$disconnect();
    await database.drop();
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

  /** The pool's connections to Postgres, busy or idle. */
  async function connectionsOpened(): Promise<number> {
    const [row] = await queryRows<{ n: number }>(
      database.url,
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1",
      [applicationName],
    );
    return row?.n ?? -1;
  }
});

function tally(items: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[item] = (counts[item] ?? 0) + 1;
  return counts;
}
