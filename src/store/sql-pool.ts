import pg from "pg";
import { ErrorCode, GatewayError } from "../errors.js";
import type { PrismaClient } from "../generated/prisma/client.js";

/**
 * A small `pg` pool beside a Prisma client, for the few statements that run on every
 * decision-log batch: through Prisma each of them cost several times its plain `pg`
 * equivalent in CPU, on the same event loop that serves the calls. The pool opens on first
 * use and ends when the Prisma client disconnects (and opens again if it is used after).
 */
interface SideConnections {
  readonly config: pg.PoolConfig;
  pool: pg.Pool | undefined;
}

const sideConnections = new WeakMap<PrismaClient, SideConnections>();

// One writer per decision log; a second connection lets two logs on one client overlap.
const sidePoolSize = 2;
// Bounds how long a batch may wait on the chain lock or the server, like Prisma's transaction timeout.
const statementTimeoutMs = 60_000;

/**
 * Gives `prisma` a side pool to the same database, so that {@link sqlPoolOf} can find it, and
 * makes its `$disconnect` end that pool too.
 */
export function attachSqlPool(prisma: PrismaClient, config: pg.PoolConfig): void {
  const side: SideConnections = {
    config: { ...config, max: sidePoolSize, statement_timeout: statementTimeoutMs },
    pool: undefined,
  };
  sideConnections.set(prisma, side);
  const disconnectPrisma = prisma.$disconnect.bind(prisma);
  prisma.$disconnect = async () => {
    const pool = side.pool;
    side.pool = undefined;
    await Promise.all([disconnectPrisma(), pool?.end()]);
  };
}

/** The side pool of a client made by `createPrismaClient`; throws for any other client. */
export function sqlPoolOf(prisma: PrismaClient): pg.Pool {
  const side = sideConnections.get(prisma);
  if (!side) {
    throw new GatewayError(ErrorCode.Internal, "this Prisma client was not made by createPrismaClient");
  }
  side.pool ??= openPool(side.config);
  return side.pool;
}

function openPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  // An idle connection that drops (server restart, terminated backend) is discarded by the
  // pool; the next batch opens a fresh one. Without a listener the error would end the process.
  pool.on("error", () => undefined);
  return pool;
}

/**
 * Runs `work` on one pooled connection. A connection that failed mid-use is destroyed rather
 * than returned, and its late `error` events cannot end the process meanwhile.
 */
export async function withPooledConnection<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  const ignore = (): void => undefined;
  client.on("error", ignore);
  let failure: Error | undefined;
  try {
    return await work(client);
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.off("error", ignore);
    client.release(failure);
  }
}
