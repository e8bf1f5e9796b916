import { inject } from "vitest";
import { withClient } from "../../support/services.js";
import { pollUntil } from "../../support/wait.js";

/** Every figure line starts with this, so the summary reporter can collect them. */
export const figureLinePrefix = "faults: ";

/** Prints the one line of figures a fault scenario reports. */
export function reportFigures(scenario: string, figures: readonly string[]): void {
  console.log(`${figureLinePrefix}${scenario}: ${figures.join(", ")}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Maps `items` with at most `limit` calls of `work` in flight, keeping the order of results. */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** Rows of one query against a test database. */
export async function queryRows<T>(databaseUrl: string, sql: string, params: unknown[] = []): Promise<T[]> {
  return withClient(databaseUrl, async (client) => (await client.query(sql, params)).rows as T[]);
}

/** The single integer a `SELECT count(*)::int AS n …` query returns. */
export async function queryCount(databaseUrl: string, sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await queryRows<{ n: number }>(databaseUrl, sql, params);
  return row?.n ?? 0;
}

/** `{ status: count }` of the approval requests in a database. */
export async function approvalStatusCounts(databaseUrl: string): Promise<Record<string, number>> {
  const rows = await queryRows<{ status: string; n: number }>(
    databaseUrl,
    "SELECT status, count(*)::int AS n FROM approval_requests GROUP BY status",
  );
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
}

/**
 * Takes one test database "down" (no new connections, existing ones terminated) or brings
 * it back, while the shared PostgreSQL server keeps serving every other test. Resolves once
 * no session of it has been seen for a second: a backend finishes its current query after
 * being told to go, and one that was starting up before the ALTER (past its check, not yet
 * listed) shows up late on a busy machine.
 */
export async function setDatabaseReachable(databaseName: string, reachable: boolean): Promise<void> {
  await withClient(inject("databaseUrl"), async (admin) => {
    await admin.query(`ALTER DATABASE ${databaseName} ALLOW_CONNECTIONS ${reachable}`);
    if (reachable) return;
    const sessions = "FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()";
    let quietChecks = 0;
    await pollUntil(
      async () => {
        await admin.query(`SELECT pg_terminate_backend(pid) ${sessions}`, [databaseName]);
        const remaining = (await admin.query(`SELECT count(*)::int AS n ${sessions}`, [databaseName])).rows[0]
          .n as number;
        quietChecks = remaining === 0 ? quietChecks + 1 : 0;
        return quietChecks;
      },
      (quiet) => quiet >= 10,
      { timeoutMs: 15_000, intervalMs: 100 },
    );
  });
}

/** Counts occurrences of each key. */
export function tally<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const name = key(item);
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}
