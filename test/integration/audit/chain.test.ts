import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decisionHash, genesisHash, type ChainedDecisionFields } from "../../../src/audit/chain.js";
import { appendToDecisionChain } from "../../../src/store/chained-insert.js";
import { toDecisionRow } from "../../../src/store/decision-row.js";
import { chainRecord, idsBySeq, openChainDatabase, redact, type ChainDatabase } from "./chain-fixtures.js";

const recordCount = 10;

describe("the decision chain", () => {
  let chain: ChainDatabase;
  let ids: Map<number, string>;

  beforeEach(async () => {
    chain = await openChainDatabase();
    await chain.writeRecords(recordCount);
    ids = await idsBySeq(chain);
  });

  afterEach(async () => {
    await chain.close();
  });

  /** A stored record as an attacker would copy it, with the fields that are hashed. */
  async function storedFields(seq: number): Promise<ChainedDecisionFields & { hash: string }> {
    const row = await chain.prisma.decision.findUniqueOrThrow({ where: { seq: BigInt(seq) } });
    return { ...row, seq: BigInt(seq), hash: row.hash ?? "" };
  }

  /** Inserts a row with plain SQL; without `link` it gets no place in the chain (NULL seq). */
  async function insertRow(fields: ChainedDecisionFields, link?: { prevHash: string; hash: string }) {
    await chain.sql(
      `INSERT INTO decisions (id, created_at, request_id, agent_id, session_id, upstream, tool, arguments,
         decision, rule_id, reason, outcome, latency_ms, upstream_latency_ms, approval_id, approval_status,
         reviewers, approval_wait_ms, shadow_decision, shadow_rule_id, seq, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
         $21, $22, $23)`,
      [
        fields.id,
        fields.createdAt,
        fields.requestId,
        fields.agentId,
        fields.sessionId,
        fields.upstream,
        fields.tool,
        JSON.stringify(fields.arguments),
        fields.decision,
        fields.ruleId,
        fields.reason,
        fields.outcome,
        fields.latencyMs,
        fields.upstreamLatencyMs,
        fields.approvalId,
        fields.approvalStatus,
        fields.reviewers,
        fields.approvalWaitMs,
        fields.shadowDecision,
        fields.shadowRuleId,
        link ? fields.seq.toString() : null,
        link?.prevHash ?? null,
        link?.hash ?? null,
      ],
    );
  }

  /** A record forged with the public algorithm: its own hash is right, whatever it links to. */
  async function insertForged(seq: number, prevHash: string): Promise<string> {
    const template = await storedFields(1);
    const forged = { ...template, id: randomUUID(), seq: BigInt(seq), reason: "forged approval" };
    await insertRow(forged, { prevHash, hash: decisionHash(prevHash, forged) });
    return forged.id;
  }

  /** Moves every record from `fromSeq` on by `by` positions (two steps: seq is unique). */
  async function renumberFrom(fromSeq: number, by: number): Promise<void> {
    await chain.sql(`UPDATE decisions SET seq = -seq WHERE seq >= $1`, [fromSeq]);
    await chain.sql(`UPDATE decisions SET seq = -seq + $1 WHERE seq < 0`, [by]);
  }

  it("verifies records written by the decision log, in one contiguous chain from genesis", async () => {
    const report = await chain.verify();

    expect(report).toMatchObject({ ok: true, checked: recordCount, head: { seq: String(recordCount) } });
    expect(report.firstProblem).toBeUndefined();
    expect(report.anchor).toBeUndefined();
    const rows = await chain.sql<{ seq: string; prev_hash: string }>(
      `SELECT seq, prev_hash FROM decisions ORDER BY seq`,
    );
    expect(rows.map((row) => Number(row.seq))).toEqual(Array.from({ length: recordCount }, (_, i) => i + 1));
    expect(rows[0]?.prev_hash).toBe(genesisHash);
  });

  it("reports progress batch by batch", async () => {
    const progress: number[] = [];
    await chain.verify({ onProgress: (checked) => progress.push(checked) });
    expect(progress).toEqual([3, 6, 9, 10]);
  });

  it("detects a changed reason as an altered record", async () => {
    await chain.sql(`UPDATE decisions SET reason = 'approved by nobody' WHERE seq = 5`);

    expect(await chain.verify()).toMatchObject({
      ok: false,
      checked: 4,
      firstProblem: { kind: "altered", seq: "5", id: ids.get(5) },
    });
  });

  it("detects changed arguments as an altered record", async () => {
    await chain.sql(
      `UPDATE decisions SET arguments = jsonb_set(arguments, '{path}', '"/etc/shadow"') WHERE seq = 7`,
    );

    expect(await chain.verify()).toMatchObject({
      ok: false,
      checked: 6,
      firstProblem: { kind: "altered", seq: "7", id: ids.get(7) },
    });
  });

  it("detects a deleted record in the middle", async () => {
    await chain.sql(`DELETE FROM decisions WHERE seq = 5`);

    const report = await chain.verify();
    expect(report).toMatchObject({
      ok: false,
      checked: 4,
      firstProblem: { kind: "deleted", seq: "5", id: null },
    });
    expect(report.firstProblem?.detail).toContain(`record 6 (id ${ids.get(6)})`);
  });

  it("detects a deletion whose gap was closed by renumbering the later records", async () => {
    await chain.sql(`DELETE FROM decisions WHERE seq IN (5, 6)`);
    await renumberFrom(7, -2);

    const report = await chain.verify();
    expect(report).toMatchObject({ ok: false, checked: 4, firstProblem: { kind: "deleted", seq: "5" } });
    expect(report.firstProblem?.detail).toContain("2 record(s) before it were deleted");
  });

  it("detects a forged record inserted in the middle by renumbering the later ones", async () => {
    await renumberFrom(5, 1);
    const forgedId = await insertForged(5, (await storedFields(4)).hash);

    const report = await chain.verify();
    expect(report).toMatchObject({
      ok: false,
      checked: 5,
      firstProblem: { kind: "inserted", seq: "5", id: forgedId },
    });
  });

  it("detects a forged record appended with a wrong predecessor hash", async () => {
    const forgedId = await insertForged(recordCount + 1, "f".repeat(64));

    expect(await chain.verify()).toMatchObject({
      ok: false,
      checked: recordCount,
      firstProblem: { kind: "inserted", seq: String(recordCount + 1), id: forgedId },
    });
  });

  it("detects two records whose seq values were swapped", async () => {
    await chain.sql(`UPDATE decisions SET seq = -1 WHERE seq = 5`);
    await chain.sql(`UPDATE decisions SET seq = 5 WHERE seq = 6`);
    await chain.sql(`UPDATE decisions SET seq = 6 WHERE seq = -1`);

    expect(await chain.verify()).toMatchObject({
      ok: false,
      checked: 4,
      firstProblem: { kind: "reordered", seq: "5", id: ids.get(6) },
    });
  });

  it("detects an altered record whose hash was recomputed, at the record chained to it", async () => {
    const fifth = await storedFields(5);
    const rewritten = { ...fifth, reason: "rewritten" };
    await chain.sql(`UPDATE decisions SET reason = $1, hash = $2 WHERE seq = 5`, [
      rewritten.reason,
      decisionHash((await storedFields(4)).hash, rewritten),
    ]);

    const report = await chain.verify();
    expect(report).toMatchObject({ ok: false, checked: 5, firstProblem: { kind: "inserted", seq: "6" } });
    expect(report.firstProblem?.detail).toContain(`record 5 (id ${ids.get(5)}) was rewritten`);
  });

  it("detects a cleared hash", async () => {
    await chain.sql(`UPDATE decisions SET hash = NULL WHERE seq = 3`);
    expect(await chain.verify()).toMatchObject({ ok: false, firstProblem: { kind: "altered", seq: "3" } });
  });

  it("detects a row without a seq written after the chain started", async () => {
    const id = randomUUID();
    await insertRow({ ...(await storedFields(2)), id, createdAt: new Date() });

    expect(await chain.verify()).toMatchObject({
      ok: false,
      checked: recordCount,
      firstProblem: { kind: "unchained", seq: null, id },
    });
  });

  it("accepts rows without a seq from before the chain existed", async () => {
    const legacy = {
      ...(await storedFields(2)),
      id: randomUUID(),
      createdAt: new Date("2025-01-01T00:00:00Z"),
    };
    await insertRow(legacy);

    expect(await chain.verify()).toMatchObject({ ok: true, checked: recordCount });
  });

  it("cannot see the newest records deleted unless given the head from an earlier run", async () => {
    const before = await chain.verify();
    await chain.sql(`DELETE FROM decisions WHERE seq >= 9`);

    // Documented limitation: a shorter chain is still a valid chain.
    expect(await chain.verify()).toMatchObject({ ok: true, checked: 8 });
    const expectedHead = { seq: BigInt(before.head?.seq ?? 0), hash: before.head?.hash ?? "" };
    expect(await chain.verify({ expectedHead })).toMatchObject({
      ok: false,
      checked: 8,
      firstProblem: { kind: "deleted", seq: "9", id: null },
    });
  });

  it("continues the chain after a retried batch without chaining its stored rows twice", async () => {
    const rows = [chainRecord(100), chainRecord(101), chainRecord(102)].map((r) => toDecisionRow(r, redact));

    expect(await appendToDecisionChain(chain.prisma, rows.slice(0, 2))).toBe(2);
    expect(await appendToDecisionChain(chain.prisma, rows)).toBe(1);
    expect(await appendToDecisionChain(chain.prisma, rows)).toBe(0);

    const stored = await chain.sql<{ id: string; seq: string }>(
      `SELECT id, seq FROM decisions WHERE seq > $1 ORDER BY seq`,
      [recordCount],
    );
    expect(stored).toEqual(rows.map((row, index) => ({ id: row.id, seq: String(recordCount + 1 + index) })));
    expect(await chain.verify()).toMatchObject({ ok: true, checked: recordCount + 3 });
  });
});

describe("records read back from Postgres", () => {
  it("hash the same as when written, whatever the values (jsonb normalises numbers and key order)", async () => {
    const chain = await openChainDatabase();
    try {
      const log = chain.openLog({ flushIntervalMs: 60_000 });
      const awkward: unknown[] = [
        undefined,
        null,
        {},
        [],
        { b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } },
        { big: 1e21, small: 1e-7, tenth: 0.1, negativeZero: -0, huge: 2 ** 70, exp: 1.5e300 },
        { text: 'é 😀 \u2028 "quoted" \\ tab\t', "key with spaces": "x", "": "empty key" },
        { nested: [[[]], [{}], [null, true, false]] },
        "a plain string",
        42,
      ];
      for (const [index, args] of awkward.entries()) log.record(chainRecord(index, { arguments: args }));
      log.record(chainRecord(50, { id: randomUUID().toUpperCase(), approvalId: randomUUID().toUpperCase() }));
      await log.flush();

      expect(await chain.verify()).toMatchObject({ ok: true, checked: awkward.length + 1 });
    } finally {
      await chain.close();
    }
  });
});

describe("an empty decision log", () => {
  it("verifies with nothing checked", async () => {
    const chain = await openChainDatabase();
    try {
      expect(await chain.verify()).toEqual({ ok: true, checked: 0 });
    } finally {
      await chain.close();
    }
  });
});
