import type { ApprovalRequest } from "../approvals/types.js";
import { toApprovalStoreError } from "../approvals/approval-store-errors.js";
import { ErrorCode, GatewayError } from "../errors.js";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import { decodeCursor, encodeCursor, type DecisionCursor } from "./decision-cursor.js";
import { afterCursor, filterCondition } from "./decision-filter-sql.js";
import type {
  DailyDecisionCount,
  DecisionDetail,
  DecisionFilter,
  DecisionPage,
  DecisionView,
} from "./decision-query-types.js";
import { buildTimeline } from "./decision-timeline.js";
import { decisionViewColumns, toDecisionView, type DecisionViewRow } from "./decision-view-row.js";

/** Where the detail view reads a decision's approval request (the service or its store). */
export interface ApprovalLookup {
  get(approvalId: string): Promise<ApprovalRequest | undefined>;
}

export interface PageRequest {
  /** 1..500; default 50. */
  readonly limit?: number;
  /** A previous page's `nextCursor`. */
  readonly cursor?: string;
}

export const defaultPageLimit = 50;
export const maxPageLimit = 500;
const defaultStreamBatchSize = 1_000;
const maxDailyCountDays = 366;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The read side of the decision log, for the admin API, the CLI, the web page and exports.
 * Always newest first, paged by keyset on (created_at, id), so deep pages and full exports
 * cost the same per row as the first page.
 */
export class DecisionQueries {
  readonly #prisma: PrismaClient;
  readonly #approvals: ApprovalLookup;

  constructor(prisma: PrismaClient, approvals: ApprovalLookup) {
    this.#prisma = prisma;
    this.#approvals = approvals;
  }

  /** One page of matching decisions; a `BadRequest` error for a bad limit or cursor. */
  async list(filter: DecisionFilter, page: PageRequest = {}): Promise<DecisionPage> {
    const limit = checkedLimit(page.limit);
    const cursor = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
    // One extra row tells whether there is a next page without a COUNT.
    const rows = await this.#batch(filter, cursor, limit + 1);
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    const nextCursor = rows.length > limit && last ? encodeCursor(last) : null;
    return { items, nextCursor };
  }

  /** The decision with its approval request and timeline; undefined when unknown. */
  async get(id: string): Promise<DecisionDetail | undefined> {
    if (!uuidPattern.test(id)) return undefined;
    const rows = await this.#query(
      "read the decision",
      Prisma.sql`SELECT ${decisionViewColumns} FROM decisions WHERE id = ${id}::uuid`,
    );
    const decision = rows[0];
    if (!decision) return undefined;
    const approval = decision.approvalId ? ((await this.#approvals.get(decision.approvalId)) ?? null) : null;
    return { ...decision, approval, timeline: buildTimeline(decision, approval) };
  }

  /**
   * Every matching decision, newest first, read in keyset batches: memory stays constant
   * however many rows match, and a consumer that stops pulling stops the reading.
   */
  async *stream(filter: DecisionFilter, options: { batchSize?: number } = {}): AsyncIterable<DecisionView> {
    const batchSize = Math.max(1, Math.min(10_000, Math.trunc(options.batchSize ?? defaultStreamBatchSize)));
    let cursor: DecisionCursor | undefined;
    for (;;) {
      const rows = await this.#batch(filter, cursor, batchSize);
      yield* rows;
      const last = rows.at(-1);
      if (rows.length < batchSize || !last) return;
      cursor = last;
    }
  }

  /**
   * Matching decisions per UTC day and outcome over the last `days` days (today included),
   * oldest day first. Days without decisions are absent.
   */
  async dailyCounts(filter: DecisionFilter, days: number): Promise<DailyDecisionCount[]> {
    if (!Number.isInteger(days) || days < 1 || days > maxDailyCountDays) {
      throw new GatewayError(ErrorCode.BadRequest, `days must be an integer from 1 to ${maxDailyCountDays}`);
    }
    const since = startOfUtcDay(days - 1);
    const rows = await this.#run("count decisions per day", () =>
      this.#prisma.$queryRaw<{ day: string; decision: string; count: bigint | number }[]>(Prisma.sql`
        SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, decision, count(*) AS count
          FROM decisions
         WHERE ${filterCondition(filter)} AND created_at >= ${since.toISOString()}::timestamptz
         GROUP BY 1, 2
         ORDER BY 1, 2`),
    );
    return rows.map((row) => ({ day: row.day, decision: row.decision, count: Number(row.count) }));
  }

  async #batch(
    filter: DecisionFilter,
    cursor: DecisionCursor | undefined,
    limit: number,
  ): Promise<DecisionView[]> {
    return this.#query(
      "list decisions",
      Prisma.sql`
        SELECT ${decisionViewColumns}
          FROM decisions
         WHERE ${filterCondition(filter)} AND ${afterCursor(cursor)}
         ORDER BY created_at DESC, id DESC
         LIMIT ${limit}`,
    );
  }

  async #query(action: string, query: Prisma.Sql): Promise<DecisionView[]> {
    const rows = await this.#run(action, () => this.#prisma.$queryRaw<DecisionViewRow[]>(query));
    return rows.map(toDecisionView);
  }

  async #run<T>(action: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw toApprovalStoreError(error, action);
    }
  }
}

function checkedLimit(limit: number | undefined): number {
  if (limit === undefined) return defaultPageLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxPageLimit) {
    throw new GatewayError(ErrorCode.BadRequest, `limit must be an integer from 1 to ${maxPageLimit}`);
  }
  return limit;
}

/** Midnight UTC, `daysAgo` days before today. */
function startOfUtcDay(daysAgo: number): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - daysAgo));
}
