import path from "node:path";
import { inject, it } from "vitest";
import { ApprovalStore } from "../../../src/approvals/approval-store.js";
import { applyMigrations } from "../../../src/store/migrate.js";
import { createPrismaClient } from "../../../src/store/prisma-client.js";
import { createEmptyDatabase, freePort, withClient } from "../../support/services.js";
import { newRequest, voteOn } from "./approval-fixtures.js";

it("scratch", async () => {
  const s1 = new ApprovalStore(createPrismaClient(`postgresql://gateway@127.0.0.1:${await freePort()}/gateway`));
  const e1 = await s1.vote(voteOn("6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f")).catch((e: unknown) => e);
  console.log("UNREACHABLE", String(e1), (e1 as Error).cause);
  const db = await createEmptyDatabase();
  await applyMigrations({ databaseUrl: db.url, migrationsDir: path.resolve("prisma/migrations") });
  const prisma = createPrismaClient(db.url);
  const store = new ApprovalStore(prisma);
  const r = await store.create(newRequest());
  await withClient(inject("databaseUrl"), async (admin) => {
    await admin.query(`ALTER DATABASE ${db.name} WITH ALLOW_CONNECTIONS false`);
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [db.name]);
  });
  for (let i = 0; i < 3; i++) {
    const e = await store.vote(voteOn(r.id)).catch((e: unknown) => e);
    console.log("CUT", i, String(e));
    const g = await store.get(r.id).catch((e: unknown) => e);
    console.log("CUT get", i, String(g));
  }
  await withClient(inject("databaseUrl"), (admin) => admin.query(`ALTER DATABASE ${db.name} WITH ALLOW_CONNECTIONS true`));
  console.log("AFTER", (await store.vote(voteOn(r.id))).kind);
  await prisma.$disconnect();
  await db.drop();
});
