import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApprovalStore } from "../../../src/approvals/approval-store.js";
import { argumentsHash } from "../../../src/approvals/arguments-hash.js";
import type { PrismaClient } from "../../../src/generated/prisma/client.js";
import type { TestDatabase } from "../../support/services.js";
import {
  callArguments,
  countVotes,
  newRequest,
  openStoreDatabase,
  queryRows,
  voteOn,
  type StoreDatabase,
} from "./approval-fixtures.js";

describe("ApprovalStore", () => {
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

  /** The store on a clock stopped at `at`, for stamps a test can predict. */
  function storeAt(at: Date): ApprovalStore {
    return new ApprovalStore(prisma, { clock: () => at });
  }

  describe("create and get", () => {
    it("round-trips a new request as pending, with nothing decided yet", async () => {
      const input = newRequest({ approvers: ["U-ann", "U-bob"], quorum: 2, requireReasonOnDeny: true });
      const before = Date.now();
      const created = await store.create(input);

      expect(created).toEqual({
        ...input,
        createdAt: expect.any(Date),
        status: "pending",
        slackChannel: null,
        slackMessageTs: null,
        slackPostedAt: null,
        decidedAt: null,
        decidedBy: null,
        decisionReason: null,
        deliveredAt: null,
        executionOutcome: null,
        votes: [],
      });
      expect(created.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1_000);
      expect(await store.get(input.id)).toEqual(created);

      const [row] = await queryRows<Record<string, unknown>>(
        database.url,
        `SELECT status, agent_id, arguments, arguments_hash, approvers, on_timeout, expires_at
           FROM approval_requests WHERE id = $1`,
        [input.id],
      );
      expect(row).toEqual({
        status: "pending",
        agent_id: "ci-bot",
        arguments: callArguments,
        arguments_hash: argumentsHash(callArguments),
        approvers: ["U-ann", "U-bob"],
        on_timeout: "deny",
        expires_at: input.expiresAt,
      });
    });

    it("stores a call without arguments", async () => {
      const created = await store.create(
        newRequest({ arguments: undefined, argumentsHash: argumentsHash(undefined) }),
      );
      expect((await store.get(created.id))?.arguments).toBeNull();
    });

    it("returns undefined for an unknown id and for one that is not a UUID", async () => {
      expect(await store.get("6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f")).toBeUndefined();
      expect(await store.get("not-a-uuid")).toBeUndefined();
      expect(await store.get("")).toBeUndefined();
    });

    it("refuses a request Postgres would reject, with a stable code", async () => {
      await expect(store.create(newRequest({ id: "approval-1" }))).rejects.toMatchObject({
        code: "INTERNAL",
      });
      await expect(store.create(newRequest({ quorum: 0 }))).rejects.toMatchObject({ code: "INTERNAL" });
    });

    it("refuses a second request with the same id without leaking the driver error", async () => {
      const input = newRequest();
      await store.create(input);
      const failure = await store.create(input).catch((error: unknown) => error);
      expect(failure).toMatchObject({ name: "GatewayError", code: "INTERNAL" });
    });
  });

  describe("vote", () => {
    it("approves a quorum-1 request with the first approval", async () => {
      const request = await store.create(newRequest());
      const at = new Date(Date.now() + 1_000);
      const result = await storeAt(at).vote(voteOn(request.id, { reason: "  looks fine " }));

      expect(result).toMatchObject({ kind: "recorded", decided: true });
      const stored = await store.get(request.id);
      expect(result.kind === "recorded" && result.request).toEqual(stored);
      expect(stored).toMatchObject({
        status: "approved",
        decidedAt: at,
        decidedBy: "Ann",
        decisionReason: "looks fine",
        votes: [
          {
            reviewerId: "U-ann",
            reviewerName: "Ann",
            channel: "slack",
            vote: "approve",
            reason: "looks fine",
            createdAt: at,
          },
        ],
      });
    });

    it("denies on one deny, with the reviewer's reason", async () => {
      const request = await store.create(newRequest({ quorum: 2 }));
      const result = await store.vote(
        voteOn(request.id, { vote: "deny", reason: "wrong endpoint", channel: "cli" }),
      );

      expect(result).toMatchObject({ kind: "recorded", decided: true });
      expect(await store.get(request.id)).toMatchObject({
        status: "denied",
        decidedBy: "Ann",
        decisionReason: "wrong endpoint",
        votes: [{ vote: "deny", channel: "cli", reason: "wrong endpoint" }],
      });
    });

    it("keeps a quorum-2 request pending after one approval and decides on the second", async () => {
      const request = await store.create(newRequest({ quorum: 2 }));
      const first = new Date(Date.now() + 1_000);
      const second = new Date(first.getTime() + 500);

      expect(await storeAt(first).vote(voteOn(request.id))).toMatchObject({
        kind: "recorded",
        decided: false,
        request: { status: "pending", votes: [{ reviewerId: "U-ann" }] },
      });
      const result = await storeAt(second).vote(
        voteOn(request.id, { reviewerId: "U-bob", reviewerName: "Bob" }),
      );
      expect(result).toMatchObject({
        kind: "recorded",
        decided: true,
        request: {
          status: "approved",
          decidedBy: "Bob",
          decidedAt: second,
          votes: [{ reviewerId: "U-ann" }, { reviewerId: "U-bob" }],
        },
      });
    });

    it("asks for a reason when the rule requires one to deny, and records nothing", async () => {
      const request = await store.create(newRequest({ requireReasonOnDeny: true }));
      for (const reason of [null, "   "]) {
        const result = await store.vote(voteOn(request.id, { vote: "deny", reason }));
        expect(result).toMatchObject({ kind: "reason_required", request: { status: "pending", votes: [] } });
      }
      expect(await countVotes(database.url, request.id)).toBe(0);
      expect(await store.vote(voteOn(request.id, { vote: "deny", reason: "no" }))).toMatchObject({
        kind: "recorded",
        decided: true,
      });
    });

    it("refuses reviewers outside the approvers list, unless they are operators", async () => {
      const request = await store.create(newRequest({ approvers: ["U-bob"] }));
      const outsider = await store.vote(voteOn(request.id, { reviewerId: "U-eve", reviewerName: "Eve" }));
      expect(outsider).toMatchObject({ kind: "not_authorized", request: { status: "pending" } });
      expect(await countVotes(database.url, request.id)).toBe(0);

      const operator = await store.vote(
        voteOn(request.id, { reviewerId: "ops", reviewerName: "Ops", channel: "cli", operator: true }),
      );
      expect(operator).toMatchObject({ kind: "recorded", decided: true, request: { decidedBy: "Ops" } });
    });

    it("lets a listed approver vote", async () => {
      const request = await store.create(newRequest({ approvers: ["U-bob", "U-ann"] }));
      expect(await store.vote(voteOn(request.id))).toMatchObject({ kind: "recorded", decided: true });
    });

    it("refuses a reviewer's second vote on a request still pending", async () => {
      const request = await store.create(newRequest({ quorum: 2 }));
      await store.vote(voteOn(request.id));
      const again = await store.vote(voteOn(request.id, { vote: "deny", reason: "changed my mind" }));

      expect(again).toMatchObject({ kind: "already_voted", request: { status: "pending" } });
      expect(await countVotes(database.url, request.id)).toBe(1);
    });

    it("answers already_decided once the request is decided, changing nothing", async () => {
      const request = await store.create(newRequest());
      await store.vote(voteOn(request.id));
      const before = await store.get(request.id);
      const late = await store.vote(voteOn(request.id, { reviewerId: "U-bob", vote: "deny", reason: "no" }));

      expect(late).toEqual({ kind: "already_decided", request: before });
      expect(await store.get(request.id)).toEqual(before);
    });

    it("answers not_found for an unknown or malformed id", async () => {
      expect(await store.vote(voteOn("6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"))).toEqual({ kind: "not_found" });
      expect(await store.vote(voteOn("nope"))).toEqual({ kind: "not_found" });
    });

    it("expires a request voted on after its expiry time, and records no vote", async () => {
      const request = await store.create(newRequest({ quorum: 1 }));
      const late = new Date(request.expiresAt.getTime() + 1);
      const result = await storeAt(late).vote(voteOn(request.id));

      expect(result).toMatchObject({
        kind: "already_decided",
        request: { status: "expired", decidedBy: "timeout", decidedAt: late, votes: [] },
      });
      expect(await store.get(request.id)).toMatchObject({ status: "expired" });
      expect(await countVotes(database.url, request.id)).toBe(0);
    });

    it("approves by timeout when a vote arrives after expiry of an on_timeout approve request", async () => {
      const request = await store.create(newRequest({ onTimeout: "approve" }));
      const result = await storeAt(request.expiresAt).vote(voteOn(request.id, { vote: "deny" }));
      expect(result).toMatchObject({
        kind: "already_decided",
        request: { status: "approved", decidedBy: "timeout" },
      });
    });

    it("stores reviewer text Postgres would otherwise reject", async () => {
      const request = await store.create(newRequest());
      await store.vote(voteOn(request.id, { reviewerName: "nul\u0000name", reason: "lone \uD800" }));
      expect(await store.get(request.id)).toMatchObject({
        decidedBy: "nul\uFFFDname",
        votes: [{ reviewerName: "nul\uFFFDname", reason: "lone \uFFFD" }],
      });
    });
  });

  describe("expire", () => {
    it("expires a pending on_timeout deny request", async () => {
      const request = await store.create(newRequest());
      const at = new Date(Date.now() + 2_000);
      const result = await storeAt(at).expire(request.id);

      expect(result).toMatchObject({
        kind: "applied",
        request: { status: "expired", decidedBy: "timeout", decidedAt: at },
      });
      expect(await store.get(request.id)).toMatchObject({ status: "expired" });
    });

    it("approves a pending on_timeout approve request, decided by the timeout", async () => {
      const request = await store.create(newRequest({ onTimeout: "approve" }));
      expect(await store.expire(request.id)).toMatchObject({
        kind: "applied",
        request: { status: "approved", decidedBy: "timeout", decisionReason: null },
      });
    });

    it("leaves a decided request alone", async () => {
      const request = await store.create(newRequest());
      await store.vote(voteOn(request.id, { vote: "deny" }));
      const result = await store.expire(request.id);
      expect(result).toMatchObject({ kind: "not_pending", request: { status: "denied", decidedBy: "Ann" } });
    });

    it("answers not_found for an unknown id", async () => {
      expect(await store.expire("6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f")).toEqual({ kind: "not_found" });
      expect(await store.expire("x")).toEqual({ kind: "not_found" });
    });
  });

  describe("cancel", () => {
    it("cancels a pending request with the reason", async () => {
      const request = await store.create(newRequest());
      const result = await store.cancel(request.id, "client disconnected");
      expect(result).toMatchObject({
        kind: "applied",
        request: { status: "cancelled", decisionReason: "client disconnected", decidedAt: expect.any(Date) },
      });
      expect(await store.vote(voteOn(request.id))).toMatchObject({ kind: "already_decided" });
    });

    it("does not cancel a decided request", async () => {
      const request = await store.create(newRequest());
      await store.vote(voteOn(request.id));
      expect(await store.cancel(request.id, "client disconnected")).toMatchObject({
        kind: "not_pending",
        request: { status: "approved", decisionReason: null },
      });
    });

    it("answers not_found for an unknown id", async () => {
      expect(await store.cancel("6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f", "gone")).toEqual({
        kind: "not_found",
      });
    });
  });

  describe("claimDelivery", () => {
    it("hands out a decided request once, and never a pending or cancelled one", async () => {
      const request = await store.create(newRequest());
      expect(await store.claimDelivery(request.id)).toBeUndefined();

      await store.vote(voteOn(request.id));
      const claimed = await store.claimDelivery(request.id);
      expect(claimed).toMatchObject({ id: request.id, status: "approved", deliveredAt: expect.any(Date) });
      expect(await store.claimDelivery(request.id)).toBeUndefined();

      const cancelled = await store.create(newRequest());
      await store.cancel(cancelled.id, "gone");
      expect(await store.claimDelivery(cancelled.id)).toBeUndefined();
    });

    it("hands out denied and expired requests too: the rejection is delivered once as well", async () => {
      const denied = await store.create(newRequest());
      await store.vote(voteOn(denied.id, { vote: "deny" }));
      const expired = await store.create(newRequest());
      await store.expire(expired.id);

      expect(await store.claimDelivery(denied.id)).toMatchObject({ status: "denied" });
      expect(await store.claimDelivery(expired.id)).toMatchObject({ status: "expired" });
    });

    it("answers undefined for unknown and malformed ids", async () => {
      expect(await store.claimDelivery("6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f")).toBeUndefined();
      expect(await store.claimDelivery("x")).toBeUndefined();
    });
  });

  describe("recordExecutionOutcome and setSlackMessage", () => {
    it("records the outcome and where the Slack message is", async () => {
      const request = await store.create(newRequest());
      await store.setSlackMessage(request.id, "C123", "1732617600.000100");
      expect(await store.recordExecutionOutcome(request.id, "error")).toMatchObject({
        executionOutcome: "error",
        slackChannel: "C123",
        slackMessageTs: "1732617600.000100",
      });
      expect(await store.get(request.id)).toMatchObject({ executionOutcome: "error", slackChannel: "C123" });
    });

    it("answers undefined, or does nothing, for an unknown request", async () => {
      expect(
        await store.recordExecutionOutcome("6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f", "ok"),
      ).toBeUndefined();
      await expect(
        store.setSlackMessage("6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f", "C1", "1.2"),
      ).resolves.toBeUndefined();
    });
  });
});
