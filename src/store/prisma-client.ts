import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { PrismaClient } from "../generated/prisma/client.js";
import { attachSqlPool } from "./sql-pool.js";

export interface PrismaClientOptions {
  /** Most connections the pool opens. */
  readonly maxConnections?: number;
  /** Called when an idle pooled connection fails (e.g. the server restarted); queries recover alone. */
  readonly onConnectionError?: (error: Error) => void;
}

/**
 * A Prisma client on a `pg` pool. The connect timeout is short so that, when the database is
 * down, writes fail and get retried instead of hanging on a connection attempt. The client
 * also carries a small side pool for the decision log's batch writes (see sql-pool.ts).
 */
export function createPrismaClient(databaseUrl: string, options: PrismaClientOptions = {}): PrismaClient {
  const poolConfig: pg.PoolConfig = {
    connectionString: databaseUrl,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  };
  const adapter = new PrismaPg(poolConfig, {
    onPoolError: options.onConnectionError,
    onConnectionError: options.onConnectionError,
  });
  const prisma = new PrismaClient({ adapter });
  attachSqlPool(prisma, poolConfig);
  return prisma;
}
