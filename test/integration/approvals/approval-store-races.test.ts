import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApprovalStore } from "../../../src/approvals/approval-store.js";
import type { ApprovalRequest, VoteResult } from "../../../src/approvals/types.js";
import type { PrismaClient } from "../../../src/generated/prisma/client.js";
import { applyMigrations } from "../../../src/store/migrate.js";
import { createPrismaClient } from "../../../src/store/prisma-client.js";
import { createEmptyDatabase, type TestDatabase } from "../../support/services.js";
import { countVotes, newRequest, voteOn } from "./approval-fixtures.js";

const migrationsDir = path.resolve(import.meta.dirname, "../../../prisma/migrations");
const replicaCount = 3;

function kinds(results: readonly { kind: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { kind } of results) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

function decidedCount(results: readonly VoteResult[]): number {
  return results.filter((result) => result.kind === "recorded" && result.decided).length;
}

/**
 * Races between replicas: each store has its own Prisma client and pool, as separate
 * gateway processes would, and every race is started without awaiting in between.
 */
describe("ApprovalStore under concurrency", () => {
  let database: TestDatabase;
  let clients: PrismaClient[];
  let replicas: ApprovalStore[];

  beforeAll(async () => {
    database = await createEmptyDatabase();
    await applyMigrations({ databaseUrl: database.url, migrationsDir });
    clients = Array.from({ length: replicaCount }, () =>
      createPrismaClient(database.url, { maxConnections: 10 }),
    );
    replicas = clients.map((client) => new ApprovalStore(client));
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.$disconnect()));
    await database.drop();
  });

  function replica(index: number): ApprovalStore {
    const store = replicas[index % replicas.length];
    if (!store) throw new Error("no replicas");
    return store;
  }

  async function create(overrides: Parameters<typeof newRequest>[0] = {}): Promise<ApprovalRequest> {
    return replica(0).create(newRequest(overrides));
  }

  it("records a double click (same reviewer, two concurrent approvals) once", async () => {
    for (let round = 0; round < 10; round += 1) {
      const request = await create({ quorum: 2 });
      const results = await Promise.all([0, 1].map((index) => replica(index).vote(voteOn(request.id))));

      expect(kinds(results)).toEqual({ recorded: 1, already_voted: 1 });
      expect(await countVotes(database.url, request.id)).toBe(1);
      expect(await replica(0).get(request.id)).toMatchObject({ status: "pending" });
    }
  });

  it("approves a quorum-2 request raced by its two reviewers with exactly both votes, every time", async () => {
    const rounds = 20;
    const requests = await Promise.all(Array.from({ length: rounds }, () => create({ quorum: 2 })));
    const races = await Promise.all(
      requests.map(async (request) => ({
        request,
        results: await Promise.all([
          replica(0).vote(voteOn(request.id, { reviewerId: "U-ann", reviewerName: "Ann" })),
          replica(1).vote(voteOn(request.id, { reviewerId: "U-bob", reviewerName: "Bob" })),
        ]),
      })),
    );

    for (const { request, results } of races) {
      expect(kinds(results)).toEqual({ recorded: 2 });
      expect(decidedCount(results)).toBe(1);
      const stored = await replica(2).get(request.id);
      expect(stored?.status).toBe("approved");
      expect(stored?.votes.map((vote) => vote.reviewerId).sort()).toEqual(["U-ann", "U-bob"]);
      // Whichever vote got the lock first, the decision is not stamped before either.
      const decidedAt = stored?.decidedAt?.getTime() ?? -Infinity;
      expect(stored?.votes.filter((vote) => vote.createdAt.getTime() > decidedAt)).toEqual([]);
      const decider = results.find((result) => result.kind === "recorded" && result.decided);
      expect(decider?.kind === "recorded" && decider.request.decidedBy).toBe(stored?.decidedBy);
    }
  });

  it("lets exactly one of 200 concurrent voters decide a quorum-1 request", async () => {
    const request = await create({ quorum: 1 });
    const voters = Array.from({ length: 200 }, (_, index) => ({
      reviewerId: `U-${index % 150}`,
      reviewerName: `Reviewer ${index % 150}`,
      vote: index % 3 === 0 ? ("deny" as const) : ("approve" as const),
      reason: index % 3 === 0 ? `reason ${index}` : null,
    }));
    const results = await Promise.all(
      voters.map((voter, index) => replica(index).vote(voteOn(request.id, voter))),
    );

    const recorded = results.filter((result) => result.kind === "recorded");
    expect(recorded).toHaveLength(1);
    expect(decidedCount(results)).toBe(1);
    const counts = kinds(results);
    expect((counts.already_decided ?? 0) + (counts.already_voted ?? 0)).toBe(199);
    expect(counts.already_decided).toBeGreaterThan(0);

    expect(await countVotes(database.url, request.id)).toBe(1);
    const stored = await replica(0).get(request.id);
    const [vote] = stored?.votes ?? [];
    expect(stored?.status).toBe(vote?.vote === "deny" ? "denied" : "approved");
    expect(stored?.decidedBy).toBe(vote?.reviewerName);
    expect(recorded[0]?.kind === "recorded" && recorded[0].request).toEqual(stored);
  });

  it("never both expires and approves a request when expiry and a vote race", async () => {
    for (let round = 0; round < 40; round += 1) {
      const request = await create({ quorum: 1 });
      const [expiry, vote] = await Promise.all([
        replica(round).expire(request.id),
        replica(round + 1).vote(voteOn(request.id)),
      ]);
      const stored = await replica(round + 2).get(request.id);

      if (expiry.kind === "applied") {
        expect(vote).toMatchObject({ kind: "already_decided", request: { status: "expired" } });
        expect(stored).toMatchObject({ status: "expired", decidedBy: "timeout", votes: [] });
      } else {
        expect(expiry).toMatchObject({ kind: "not_pending", request: { status: "approved" } });
        expect(vote).toMatchObject({ kind: "recorded", decided: true });
        expect(stored).toMatchObject({
          status: "approved",
          decidedBy: "Ann",
          votes: [{ reviewerId: "U-ann" }],
        });
      }
    }
  });

  it("never both cancels and approves a request when cancellation and a vote race", async () => {
    for (let round = 0; round < 20; round += 1) {
      const request = await create({ quorum: 1 });
      const [cancel, vote] = await Promise.all([
        replica(round).cancel(request.id, "client went away"),
        replica(round + 1).vote(voteOn(request.id)),
      ]);
      const stored = await replica(round + 2).get(request.id);
      const cancelled = cancel.kind === "applied";
      const approved = vote.kind === "recorded";
      expect(cancelled !== approved).toBe(true);
      expect(stored?.status).toBe(cancelled ? "cancelled" : "approved");
      expect(stored?.votes).toHaveLength(cancelled ? 0 : 1);
    }
  });

  it("hands a decided request to exactly one of 50 concurrent claimers, and to none while pending", async () => {
    const request = await create({ quorum: 1 });
    const claimAll = (): Promise<(ApprovalRequest | undefined)[]> =>
      Promise.all(Array.from({ length: 50 }, (_, index) => replica(index).claimDelivery(request.id)));

    expect((await claimAll()).filter(Boolean)).toHaveLength(0);

    await replica(1).vote(voteOn(request.id));
    const winners = (await claimAll()).filter(Boolean);
    expect(winners).toHaveLength(1);
    expect(winners[0]).toMatchObject({ id: request.id, status: "approved", deliveredAt: expect.any(Date) });

    expect((await claimAll()).filter(Boolean)).toHaveLength(0);
  });

  it("hands each of many decided requests to exactly one claimer while votes and claims race", async () => {
    const requests = await Promise.all(Array.from({ length: 15 }, () => create({ quorum: 1 })));
    const winners = await Promise.all(
      requests.map(async (request, index) => {
        const claims = Array.from({ length: 10 }, (_, claimer) =>
          replica(index + claimer).claimDelivery(request.id),
        );
        const [, ...claimed] = await Promise.all([replica(index).vote(voteOn(request.id)), ...claims]);
        // Claims that ran before the vote committed won nothing; one more round after it must.
        const late = await Promise.all(
          Array.from({ length: 10 }, (_, claimer) => replica(claimer).claimDelivery(request.id)),
        );
        return [...claimed, ...late].filter(Boolean).length;
      }),
    );
    expect(winners).toEqual(requests.map(() => 1));
  });
});
