import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.js";

export interface PrismaClientOptions {
  /** Most connections the pool opens. */
  readonly maxConnections?: number;
  /** Called when an idle pooled connection fails (e.g. the server restarted); queries recover alone. */
  readonly onConnectionError?: (error: Error) => void;
}

/**
 * A Prisma client on a `pg` pool. The connect timeout is short so that, when the database is
 * down, writes fail and get retried instead of hanging on a connection attempt.
 */
export function createPrismaClient(databaseUrl: string, options: PrismaClientOptions = {}): PrismaClient {
  const adapter = new PrismaPg(
    {
      connectionString: databaseUrl,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
    },
    { onPoolError: options.onConnectionError, onConnectionError: options.onConnectionError },
  );
  return new PrismaClient({ adapter });
}
