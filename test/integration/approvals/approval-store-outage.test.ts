import { createServer, type Socket } from "node:net";
import path from "node:path";
import { afterEach, describe, expect, inject, it } from "vitest";
import { ApprovalStore } from "../../../src/approvals/approval-store.js";
import { ErrorCode, GatewayError } from "../../../src/errors.js";
import type { PrismaClient } from "../../../src/generated/prisma/client.js";
import { applyMigrations } from "../../../src/store/migrate.js";
import { createPrismaClient } from "../../../src/store/prisma-client.js";
import { createEmptyDatabase, freePort, withClient } from "../../support/services.js";
import { newRequest, voteOn } from "./approval-fixtures.js";

const someId = "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f";

/** A server that accepts connections and never answers: Postgres behind a network that lost it. */
async function startSilentServer(): Promise<{ port: number; connections(): number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("the silent server has no port");
  return {
    port: address.port,
    connections: () => accepted,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
const migrationsDir = path.resolve(import.meta.dirname, "../../../prisma/migrations");

describe("ApprovalStore without a usable database", () => {
  let prisma: PrismaClient | undefined;

  afterEach(async () => {
    await prisma?.$disconnect();
    prisma = undefined;
  });

  function storeAt(url: string): ApprovalStore {
    prisma = createPrismaClient(url);
    return new ApprovalStore(prisma);
  }

  /** Every operation of the store, each expected to fail the same way. */
  function everyOperation(store: ApprovalStore): Array<[string, () => Promise<unknown>]> {
    return [
      ["create", () => store.create(newRequest())],
      ["get", () => store.get(someId)],
      ["vote", () => store.vote(voteOn(someId))],
      ["expire", () => store.expire(someId)],
      ["cancel", () => store.cancel(someId, "gone")],
      ["claimDelivery", () => store.claimDelivery(someId)],
      ["recordExecutionOutcome", () => store.recordExecutionOutcome(someId, "ok")],
      [
        "findReusable",
        () =>
          store.findReusable({
            agentId: "ci-bot",
            upstream: "sagemaker",
            tool: "delete_endpoint",
            argumentsHash: "0".repeat(64),
            decidedSince: new Date(0),
          }),
      ],
      ["listPending", () => store.listPending()],
      ["list", () => store.list()],
      ["setSlackMessage", () => store.setSlackMessage(someId, "C1", "1.2")],
    ];
  }

  async function failureOf(operation: () => Promise<unknown>): Promise<unknown> {
    return operation().then(
      () => "resolved",
      (error: unknown) => error,
    );
  }

  it("reports DatabaseUnavailable from every operation when Postgres is unreachable", async () => {
    const store = storeAt(`postgresql://gateway@127.0.0.1:${await freePort()}/gateway`);
    for (const [name, operation] of everyOperation(store)) {
      const failure = await failureOf(operation);
      expect(failure, name).toBeInstanceOf(GatewayError);
      expect(failure, name).toMatchObject({ code: ErrorCode.DatabaseUnavailable });
    }
  });

  it("fails votes queued on one request together when Postgres does not answer, trying once", async () => {
    const silent = await startSilentServer();
    try {
      const store = storeAt(`postgresql://gateway@127.0.0.1:${silent.port}/gateway`);
      const failures = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          failureOf(() => store.vote(voteOn(someId, { reviewerId: `U-${index}` }))),
        ),
      );
      for (const failure of failures) {
        expect(failure).toBeInstanceOf(GatewayError);
        expect(failure).toMatchObject({ code: ErrorCode.DatabaseUnavailable });
      }
      // Tried one after another, each would wait out the connect timeout behind the others.
      expect(silent.connections()).toBe(1);
    } finally {
      await silent.close();
    }
  });

  it("reports DatabaseUnavailable when the database does not exist", async () => {
    const url = new URL(inject("databaseUrl"));
    url.pathname = "/no_such_database";
    const store = storeAt(url.toString());
    const failure = await failureOf(() => store.vote(voteOn(someId)));
    expect(failure).toBeInstanceOf(GatewayError);
    expect(failure).toMatchObject({ code: ErrorCode.DatabaseUnavailable });
  });

  it("reports DatabaseUnavailable while the database refuses connections, and works again after", async () => {
    const database = await createEmptyDatabase();
    const setConnectionsAllowed = (allowed: boolean): Promise<unknown> =>
      withClient(inject("databaseUrl"), async (admin) => {
        await admin.query(`ALTER DATABASE ${database.name} WITH ALLOW_CONNECTIONS ${allowed}`);
        if (!allowed) {
          await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [
            database.name,
          ]);
        }
      });
    try {
      await applyMigrations({ databaseUrl: database.url, migrationsDir });
      const store = storeAt(database.url);
      const request = await store.create(newRequest());

      await setConnectionsAllowed(false);
      for (const operation of [() => store.vote(voteOn(request.id)), () => store.get(request.id)]) {
        const failure = await failureOf(operation);
        expect(failure).toBeInstanceOf(GatewayError);
        expect(failure).toMatchObject({
          code: ErrorCode.DatabaseUnavailable,
          message: expect.stringContaining("not currently accepting connections"),
        });
      }

      await setConnectionsAllowed(true);
      expect(await store.vote(voteOn(request.id))).toMatchObject({ kind: "recorded", decided: true });
    } finally {
      await setConnectionsAllowed(true);
      await prisma?.$disconnect();
      prisma = undefined;
      await database.drop();
    }
  });
});
