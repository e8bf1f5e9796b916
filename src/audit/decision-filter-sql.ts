import { Prisma } from "../generated/prisma/client.js";
import type { DecisionCursor } from "./decision-cursor.js";
import type { DecisionFilter } from "./decision-query-types.js";

/** The SQL condition selecting the decisions a filter matches (`TRUE` for no filter). */
export function filterCondition(filter: DecisionFilter): Prisma.Sql {
  const conditions = [...equalityConditions(filter), ...timeConditions(filter), ...textConditions(filter)];
  return conditions.length === 0 ? Prisma.sql`TRUE` : Prisma.join(conditions, " AND ");
}

/** Rows strictly after `cursor` in newest-first order: older, or as old with a smaller id. */
export function afterCursor(cursor: DecisionCursor | undefined): Prisma.Sql {
  if (!cursor) return Prisma.sql`TRUE`;
  return Prisma.sql`(created_at, id) < (${cursor.createdAt.toISOString()}::timestamptz, ${cursor.id}::uuid)`;
}

/** `value` as a literal ILIKE substring pattern: `%` and `_` in it match only themselves. */
export function substringPattern(value: string): string {
  return `%${value.replace(/[\\%_]/g, (special) => `\\${special}`)}%`;
}

function equalityConditions(filter: DecisionFilter): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (filter.agent !== undefined) conditions.push(Prisma.sql`agent_id = ${filter.agent}`);
  if (filter.upstream !== undefined) conditions.push(Prisma.sql`upstream = ${filter.upstream}`);
  if (filter.tool !== undefined) conditions.push(Prisma.sql`tool = ${filter.tool}`);
  if (filter.decision !== undefined) conditions.push(Prisma.sql`decision = ${filter.decision}`);
  if (filter.reviewer !== undefined)
    conditions.push(Prisma.sql`reviewers @> ARRAY[${filter.reviewer}]::text[]`);
  return conditions;
}

function timeConditions(filter: DecisionFilter): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (filter.from !== undefined) {
    conditions.push(Prisma.sql`created_at >= ${filter.from.toISOString()}::timestamptz`);
  }
  if (filter.to !== undefined)
    conditions.push(Prisma.sql`created_at < ${filter.to.toISOString()}::timestamptz`);
  return conditions;
}

function textConditions(filter: DecisionFilter): Prisma.Sql[] {
  if (filter.text === undefined || filter.text === "") return [];
  const pattern = substringPattern(filter.text);
  return [Prisma.sql`(rule_id ILIKE ${pattern} OR reason ILIKE ${pattern})`];
}
