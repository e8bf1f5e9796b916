import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { verifyDecisionChain } from "../../../src/audit/verify.js";
import type { PrismaClient } from "../../../src/generated/prisma/client.js";
import { DecisionLog } from "../../../src/store/decision-log.js";
import { createPrismaClient } from "../../../src/store/prisma-client.js";
import { createMigratedDatabase } from "../../support/gateway-harness.js";
import { withClient, type TestDatabase } from "../../support/services.js";
import { chainRecord, redact } from "./chain-fixtures.js";

const perReplica = 500;

describe("two replicas writing the decision log at once", () => {
  let database: TestDatabase;
  let clients: PrismaClient[];

  beforeEach(async () => {
    database = await createMigratedDatabase();
    clients = [createPrismaClient(database.url), createPrismaClient(database.url)];
  });

  afterEach(async () => {
    await Promise.all(clients.map((client) => client.$disconnect()));
    await database.drop();
  });

  it("form one linear chain: seq 1..1000 contiguous, no duplicates, verifying", async () => {
    // Small batches and a short flush interval make the two writers take the lock in turns.
    const errors: unknown[] = [];
    const replicas = clients.map(
      (prisma) =>
        new DecisionLog({ prisma, redact, batchSize: 7, flushIntervalMs: 1, onError: (e) => errors.push(e) }),
    );
    const recorded: string[][] = [[], []];
    for (let index = 0; index < perReplica; index += 1) {
      replicas.forEach((log, replica) => {
        const record = chainRecord(index * 2 + replica, { agentId: `replica-${replica}` });
        log.record(record);
        recorded[replica]?.push(record.id);
      });
      // Let both writers' timers fire while recording goes on.
      if (index % 25 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await Promise.all(replicas.map((log) => log.close()));
    // The lock makes writers take turns: none collides on a seq and has to retry.
    expect(errors).toEqual([]);

    const rows = await withClient(database.url, async (client) => {
      const result = await client.query<{ id: string; seq: string; agent_id: string }>(
        `SELECT id, seq, agent_id FROM decisions ORDER BY seq`,
      );
      return result.rows;
    });
    expect(rows.map((row) => Number(row.seq))).toEqual(
      Array.from({ length: 2 * perReplica }, (_, i) => i + 1),
    );
    expect(new Set(rows.map((row) => row.id)).size).toBe(2 * perReplica);
    // Each replica's records keep its recording order within the chain.
    for (const [replica, ids] of recorded.entries()) {
      expect(rows.filter((row) => row.agent_id === `replica-${replica}`).map((row) => row.id)).toEqual(ids);
    }
    // Both replicas wrote while the other was writing: the chain interleaves their batches.
    const switches = rows.filter((row, i) => i > 0 && row.agent_id !== rows[i - 1]?.agent_id).length;
    expect(switches).toBeGreaterThan(10);

    const [first] = clients;
    if (!first) throw new Error("no client");
    expect(await verifyDecisionChain(first, { batchSize: 128 })).toMatchObject({
      ok: true,
      checked: 2 * perReplica,
      head: { seq: String(2 * perReplica) },
    });
  });
});
