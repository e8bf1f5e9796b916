import { withClient } from "../../support/services.js";

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

/** Counts occurrences of each key. */
export function tally<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const name = key(item);
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}
