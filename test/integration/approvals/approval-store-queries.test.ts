import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApprovalStore, type ReusableApprovalQuery } from "../../../src/approvals/approval-store.js";
import { argumentsHash } from "../../../src/approvals/arguments-hash.js";
import type { ApprovalRequest } from "../../../src/approvals/types.js";
import type { PrismaClient } from "../../../src/generated/prisma/client.js";
import { uniquePrefix, type TestDatabase } from "../../support/services.js";
import {
  callArguments,
  newRequest,
  openStoreDatabase,
  queryRows,
  voteOn,
  type StoreDatabase,
} from "./approval-fixtures.js";

describe("ApprovalStore queries", () => {
  let opened: StoreDatabase;
  let database: TestDatabase;
  let prisma: PrismaClient;
  let store: ApprovalStore;

  beforeAll(async () => {
    opened = await openStoreDatabase();
    ({ database, prisma } = opened);
    store = new ApprovalStore(prisma);
  });

  afterAll(async () => {
    await opened.close();
  });

  /** Backdates a request, so tests can order requests without waiting. */
  async function setCreatedAt(id: string, createdAt: Date): Promise<void> {
    await queryRows(database.url, `UPDATE approval_requests SET created_at = $2 WHERE id = $1`, [
      id,
      createdAt,
    ]);
  }

  describe("findReusable", () => {
    const decidedAt = new Date("2026-11-26T12:00:00.000Z");
    const expiresAt = new Date("2026-11-26T13:00:00.000Z");
    /** Decides at `decidedAt`, the time the queries below are relative to. */
    let decider: ApprovalStore;

    beforeAll(() => {
      decider = new ApprovalStore(prisma, { clock: () => decidedAt });
    });

    /** A query for the fixture call of an agent no other test uses, so each test starts with none. */
    function ownQuery(): ReusableApprovalQuery {
      return {
        agentId: uniquePrefix("agent"),
        upstream: "sagemaker",
        tool: "delete_endpoint",
        argumentsHash: argumentsHash(callArguments),
        decidedSince: new Date(decidedAt.getTime() - 60_000),
      };
    }

    function createFor(query: ReusableApprovalQuery): Promise<ApprovalRequest> {
      return store.create(newRequest({ agentId: query.agentId, expiresAt }));
    }

    it("finds the agent's pending request for the same call", async () => {
      const query = ownQuery();
      const pending = await createFor(query);
      expect(await store.findReusable(query)).toEqual(pending);
    });

    it("finds a decided request not yet delivered, whatever its verdict", async () => {
      const approvedQuery = ownQuery();
      const approved = await createFor(approvedQuery);
      await decider.vote(voteOn(approved.id));
      expect(await store.findReusable(approvedQuery)).toMatchObject({ id: approved.id, status: "approved" });

      const deniedQuery = ownQuery();
      const denied = await createFor(deniedQuery);
      await decider.vote(voteOn(denied.id, { vote: "deny" }));
      expect(await store.findReusable(deniedQuery)).toMatchObject({ id: denied.id, status: "denied" });

      const expiredQuery = ownQuery();
      const expired = await createFor(expiredQuery);
      await decider.expire(expired.id);
      expect(await store.findReusable(expiredQuery)).toMatchObject({ id: expired.id, status: "expired" });
    });

    it("does not find a request once it was delivered", async () => {
      const query = ownQuery();
      const request = await createFor(query);
      await decider.vote(voteOn(request.id));
      expect(await store.findReusable(query)).toBeDefined();
      expect(await store.claimDelivery(request.id)).toBeDefined();
      expect(await store.findReusable(query)).toBeUndefined();
    });

    it("does not find a cancelled request", async () => {
      const query = ownQuery();
      const request = await createFor(query);
      await decider.cancel(request.id, "client went away");
      expect(await store.findReusable(query)).toBeUndefined();
    });

    it("does not find a request for other arguments, another tool or upstream, or another agent", async () => {
      const query = ownQuery();
      await createFor(query);
      const otherArguments = argumentsHash({ ...callArguments, endpoint: "staging-ranker" });
      expect(await store.findReusable({ ...query, argumentsHash: otherArguments })).toBeUndefined();
      expect(await store.findReusable({ ...query, tool: "create_endpoint" })).toBeUndefined();
      expect(await store.findReusable({ ...query, upstream: "files" })).toBeUndefined();
      expect(await store.findReusable({ ...query, agentId: uniquePrefix("agent") })).toBeUndefined();
      expect(await store.findReusable(query)).toBeDefined();
    });

    it("does not find a decision older than decidedSince", async () => {
      const query = ownQuery();
      const request = await createFor(query);
      await decider.vote(voteOn(request.id));
      const justAfter = new Date(decidedAt.getTime() + 1);
      expect(await store.findReusable({ ...query, decidedSince: justAfter })).toBeUndefined();
      expect(await store.findReusable({ ...query, decidedSince: decidedAt })).toMatchObject({
        id: request.id,
      });
    });

    it("finds the newest matching request", async () => {
      const query = ownQuery();
      const older = await createFor(query);
      const newer = await createFor(query);
      await setCreatedAt(older.id, new Date("2026-11-26T11:00:00.000Z"));
      await setCreatedAt(newer.id, new Date("2026-11-26T11:00:01.000Z"));
      expect(await store.findReusable(query)).toMatchObject({ id: newer.id });

      await setCreatedAt(older.id, new Date("2026-11-26T11:00:02.000Z"));
      expect(await store.findReusable(query)).toMatchObject({ id: older.id });
    });
  });

  describe("listPending and list", () => {
    it("lists pending requests oldest first and all requests newest first, by status, up to a limit", async () => {
      const fresh = await openStoreDatabase();
      try {
        const own = new ApprovalStore(fresh.prisma);
        const createdAtMinute = async (minute: number): Promise<string> => {
          const { id } = await own.create(newRequest());
          await queryRows(fresh.database.url, `UPDATE approval_requests SET created_at = $2 WHERE id = $1`, [
            id,
            new Date(Date.UTC(2026, 10, 26, 10, minute)),
          ]);
          return id;
        };
        const first = await createdAtMinute(1);
        const second = await createdAtMinute(2);
        const third = await createdAtMinute(3);
        const fourth = await createdAtMinute(4);
        const fifth = await createdAtMinute(5);
        await own.vote(voteOn(second));
        await own.vote(voteOn(fourth, { vote: "deny" }));

        expect((await own.listPending()).map((request) => request.id)).toEqual([first, third, fifth]);
        expect((await own.listPending(2)).map((request) => request.id)).toEqual([first, third]);
        expect((await own.list()).map((request) => request.id)).toEqual([
          fifth,
          fourth,
          third,
          second,
          first,
        ]);
        expect((await own.list({ limit: 2 })).map((request) => request.id)).toEqual([fifth, fourth]);
        expect((await own.list({ status: "approved" })).map((request) => request.id)).toEqual([second]);
        expect((await own.list({ status: "pending", limit: 1 })).map((request) => request.id)).toEqual([
          fifth,
        ]);
        expect(await own.list({ status: "expired" })).toEqual([]);
        expect((await own.list({ status: "denied" }))[0]?.votes).toMatchObject([{ vote: "deny" }]);
      } finally {
        await fresh.close();
      }
    });
  });
});
