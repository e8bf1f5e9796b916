import { setMaxListeners } from "node:events";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApprovalStore } from "../../../src/approvals/approval-store.js";
import { DecisionWaiter, type WaitOutcome } from "../../../src/approvals/decision-waiter.js";
import { sharedRedisUrl, uniquePrefix } from "../../support/services.js";
import { pollUntil } from "../../support/wait.js";
import { newRequest, openStoreDatabase, voteOn, type StoreDatabase } from "./approval-fixtures.js";

const recheckMs = 200;

describe("DecisionWaiter", () => {
  let opened: StoreDatabase;
  let store: ApprovalStore;
  const connections: Redis[] = [];

  beforeAll(async () => {
    opened = await openStoreDatabase();
    store = new ApprovalStore(opened.prisma);
  });

  afterAll(async () => {
    for (const connection of connections) connection.disconnect();
    await opened.close();
  });

  /** A started waiter on its own channel that counts its single and batched reads. */
  async function countingWaiter() {
    const reads = { single: 0, batches: 0 };
    const subscriber = new Redis(sharedRedisUrl());
    const publisher = new Redis(sharedRedisUrl());
    connections.push(subscriber, publisher);
    const waiter = new DecisionWaiter({
      subscriber,
      publisher,
      channel: `${uniquePrefix("waiter")}:decided`,
      load: (id) => {
        reads.single += 1;
        return store.get(id);
      },
      findSettled: (ids) => {
        reads.batches += 1;
        return store.findSettled(ids);
      },
      recheckMs,
      logger: pino({ level: "silent" }),
    });
    await waiter.start();
    return { waiter, reads };
  }

  const holdOptions = (signal: AbortSignal) => ({ holdMs: 60_000, signal, progressEveryMs: 60_000 });

  it("re-checks every held request in one query per interval, not one read per held call", async () => {
    const { waiter, reads } = await countingWaiter();
    const requests = await Promise.all(Array.from({ length: 50 }, () => store.create(newRequest())));
    const abort = new AbortController();
    setMaxListeners(requests.length, abort.signal);
    const waits = requests.map((request) => waiter.wait(request.id, holdOptions(abort.signal)));
    // Each wait reads its request once on registering; after that only the batch runs.
    await pollUntil(
      () => Promise.resolve(reads.batches),
      (batches) => batches >= 5,
      { timeoutMs: 20_000 },
    );
    expect(reads.single).toBe(requests.length);
    expect(waiter.waiting).toBe(requests.length);
    abort.abort();
    expect(new Set((await Promise.all(waits)).map((outcome) => outcome.kind))).toEqual(new Set(["aborted"]));
    expect(waiter.waiting).toBe(0);
    await waiter.close();
  });

  it("wakes a held call whose decision was never published, through the batched re-check", async () => {
    const { waiter } = await countingWaiter();
    const request = await store.create(newRequest());
    const other = await store.create(newRequest());
    const abort = new AbortController();
    const decided = waiter.wait(request.id, holdOptions(abort.signal));
    let otherOutcome: WaitOutcome | undefined;
    void waiter.wait(other.id, holdOptions(abort.signal)).then((outcome) => (otherOutcome = outcome));
    // Decided straight in the store: no wake-up is published.
    await store.vote(voteOn(request.id, { vote: "deny", reason: "not today" }));
    const outcome = await decided;
    expect(outcome.kind).toBe("decided");
    expect(outcome.kind === "decided" && outcome.request.status).toBe("denied");
    expect(otherOutcome).toBeUndefined();
    abort.abort();
    await waiter.close();
  });

  it("finds overdue requests as settled, so the reader can apply their timeout", async () => {
    const overdue = await store.create(newRequest({ expiresAt: new Date(Date.now() - 1_000) }));
    const pending = await store.create(newRequest());
    const denied = await store.create(newRequest());
    await store.vote(voteOn(denied.id, { vote: "deny", reason: "no" }));
    const settled = await store.findSettled([overdue.id, pending.id, denied.id, "not-a-uuid"]);
    expect(settled.sort()).toEqual([overdue.id, denied.id].sort());
    expect(await store.findSettled([])).toEqual([]);
  });
});
