import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { randomUUID } from "node:crypto";
import { pruneDecisions } from "../../../src/audit/retention.js";
import { startRetentionSchedule } from "../../../src/audit/retention-schedule.js";
import { createLogger } from "../../../src/logging.js";
import { createPrismaClient } from "../../../src/store/prisma-client.js";
import { idsBySeq, openChainDatabase, type ChainDatabase } from "./chain-fixtures.js";

const dayMs = 86_400_000;
const cutoff = new Date(Date.now() - 90 * dayMs);

describe("retention of the decision log", () => {
  let chain: ChainDatabase;

  beforeEach(async () => {
    chain = await openChainDatabase();
  });

  afterEach(async () => {
    await chain.close();
  });

  /** Writes records 1..10 through the decision log, those at `oldPositions` 100 days old. */
  async function writeTen(oldPositions: number[] = []): Promise<void> {
    const old = new Date(Date.now() - 100 * dayMs);
    await chain.writeRecords(10, 4, (position) =>
      oldPositions.includes(position) ? { createdAt: old } : {},
    );
  }

  /**
   * Makes the records at these positions 100 days old with SQL. That changes their hashed
   * content, which is harmless only because these records are the ones pruned.
   */
  async function backdate(seqs: number[]): Promise<void> {
    await chain.sql(`UPDATE decisions SET created_at = now() - interval '100 days' WHERE seq = ANY($1)`, [
      seqs,
    ]);
  }

  async function hashAt(seq: number): Promise<string | undefined> {
    const [row] = await chain.sql<{ hash: string }>(`SELECT hash FROM decisions WHERE seq = $1`, [seq]);
    return row?.hash;
  }

  async function storedSeqs(): Promise<number[]> {
    const rows = await chain.sql<{ seq: string }>(`SELECT seq FROM decisions ORDER BY seq`);
    return rows.map((row) => Number(row.seq));
  }

  it("prunes the oldest run of old records behind an anchor, and the rest still verifies", async () => {
    // Record 8 is old too, but record 7 is not: pruning stops at the first recent record.
    await writeTen([8]);
    await backdate([1, 2, 3, 4, 5, 6]);
    const lastPrunedHash = await hashAt(6);

    const result = await pruneDecisions(chain.prisma, { olderThan: cutoff });

    expect(result).toMatchObject({
      pruned: 6,
      anchor: { seq: "7", prevHash: lastPrunedHash, prunedCount: 6, prunedUntil: cutoff },
    });
    expect(await storedSeqs()).toEqual([7, 8, 9, 10]);
    const anchors = await chain.sql(`SELECT seq, prev_hash, pruned_count FROM audit_anchors`);
    expect(anchors).toEqual([{ seq: "7", prev_hash: lastPrunedHash, pruned_count: 6 }]);
    expect(await chain.verify()).toMatchObject({
      ok: true,
      checked: 4,
      anchor: { seq: "7", prunedCount: 6 },
    });
  });

  it("prunes nothing the second time, and writing continues the chain", async () => {
    await writeTen();
    await backdate([1, 2, 3]);
    await pruneDecisions(chain.prisma, { olderThan: cutoff });

    expect(await pruneDecisions(chain.prisma, { olderThan: cutoff })).toEqual({ pruned: 0 });
    await chain.writeRecords(3);

    expect(await storedSeqs()).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(await chain.verify()).toMatchObject({ ok: true, checked: 10, anchor: { seq: "4" } });
  });

  it("keeps the newest record when every record is old, so writers continue from it", async () => {
    await writeTen([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    expect(await pruneDecisions(chain.prisma, { olderThan: cutoff })).toMatchObject({
      pruned: 9,
      anchor: { seq: "10" },
    });
    await chain.writeRecords(2);

    expect(await storedSeqs()).toEqual([10, 11, 12]);
    expect(await chain.verify()).toMatchObject({ ok: true, checked: 3 });
  });

  it("verifies from the newest anchor after several prunes", async () => {
    await writeTen();
    await backdate([1, 2]);
    await pruneDecisions(chain.prisma, { olderThan: cutoff });
    await backdate([3, 4, 5]);
    await pruneDecisions(chain.prisma, { olderThan: cutoff });

    expect(await chain.verify()).toMatchObject({
      ok: true,
      checked: 5,
      anchor: { seq: "6", prunedCount: 3 },
    });
  });

  it("also deletes old rows from before the chain", async () => {
    await writeTen();
    await chain.sql(
      `INSERT INTO decisions (id, created_at, request_id, agent_id, upstream, tool, arguments, decision, latency_ms)
       VALUES ($1, now() - interval '400 days', 'legacy', 'ci-bot', 'files', 'read_file', '{}', 'allow', 1)`,
      [randomUUID()],
    );

    expect(await pruneDecisions(chain.prisma, { olderThan: cutoff })).toEqual({ pruned: 1 });
    expect(await chain.sql(`SELECT id FROM decisions WHERE seq IS NULL`)).toEqual([]);
    expect(await storedSeqs()).toHaveLength(10);
  });

  describe("after pruning, tampering is still detected", () => {
    let ids: Map<number, string>;

    beforeEach(async () => {
      await writeTen();
      await backdate([1, 2, 3, 4]);
      await pruneDecisions(chain.prisma, { olderThan: cutoff });
      ids = await idsBySeq(chain);
    });

    it("an altered record", async () => {
      await chain.sql(`UPDATE decisions SET decision = 'allow', reason = NULL WHERE seq = 6`);
      expect(await chain.verify()).toMatchObject({
        ok: false,
        checked: 1,
        firstProblem: { kind: "altered", seq: "6", id: ids.get(6) },
      });
    });

    it("the first retained record deleted", async () => {
      await chain.sql(`DELETE FROM decisions WHERE seq = 5`);
      expect(await chain.verify()).toMatchObject({
        ok: false,
        checked: 0,
        firstProblem: { kind: "deleted", seq: "5" },
      });
    });

    it("every retained record deleted", async () => {
      await chain.sql(`DELETE FROM decisions`);
      expect(await chain.verify()).toMatchObject({
        ok: false,
        checked: 0,
        firstProblem: { kind: "deleted", seq: "5" },
      });
    });

    it("the anchor deleted", async () => {
      await chain.sql(`DELETE FROM audit_anchors`);
      const report = await chain.verify();
      expect(report).toMatchObject({ ok: false, checked: 0, firstProblem: { kind: "deleted", seq: "1" } });
      expect(report.firstProblem?.detail).toContain("records 1..4 are missing");
    });

    it("a record re-inserted before the anchor", async () => {
      const [row] = await chain.sql<{ id: string }>(
        `INSERT INTO decisions (id, request_id, agent_id, upstream, tool, arguments, decision, latency_ms, seq,
           prev_hash, hash)
         VALUES ($1, 'r', 'ci-bot', 'files', 'read_file', '{}', 'allow', 1, 2, $2, $2) RETURNING id`,
        [randomUUID(), "0".repeat(64)],
      );
      expect(await chain.verify()).toMatchObject({
        ok: false,
        firstProblem: { kind: "inserted", seq: "2", id: row?.id },
      });
    });
  });

  it("replicas pruning at once take turns: one prunes, the other finds nothing", async () => {
    await writeTen();
    await backdate([1, 2, 3, 4, 5]);
    const other = createPrismaClient(chain.database.url);
    try {
      const results = await Promise.all([
        pruneDecisions(chain.prisma, { olderThan: cutoff }),
        pruneDecisions(other, { olderThan: cutoff }),
      ]);
      expect(results.map((result) => result.pruned).sort()).toEqual([0, 5]);
    } finally {
      await other.$disconnect();
    }
    expect(await chain.sql(`SELECT seq FROM audit_anchors`)).toEqual([{ seq: "6" }]);
    expect(await chain.verify()).toMatchObject({ ok: true, checked: 5 });
  });

  it("runs on a schedule when started, and stops", async () => {
    await writeTen();
    await backdate([1, 2, 3]);
    const schedule = startRetentionSchedule({
      prisma: chain.prisma,
      retentionDays: 90,
      logger: createLogger("silent"),
      firstRunDelayMs: 10,
      intervalMs: 50,
    });
    try {
      await vi.waitFor(async () => expect(await storedSeqs()).toEqual([4, 5, 6, 7, 8, 9, 10]), {
        timeout: 5_000,
      });
      await backdate([4]);
      await vi.waitFor(async () => expect(await storedSeqs()).toEqual([5, 6, 7, 8, 9, 10]), {
        timeout: 5_000,
      });
    } finally {
      await schedule.stop();
    }
    await backdate([5]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await storedSeqs()).toEqual([5, 6, 7, 8, 9, 10]);
  });
});
