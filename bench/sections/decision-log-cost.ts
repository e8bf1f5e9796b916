import { startComposedTarget, type TargetContext } from "../support/allow-targets.js";
import { summarizeCell, type CellSummary } from "../support/cell-summary.js";
import { difference, formatCellTable, formatRatio, formatSignedMs, ratio } from "../support/cell-table.js";
import { measureInterleaved } from "../support/interleaved-rounds.js";
import { formatTable } from "../support/stats.js";
import type { AllowPathPlan } from "./allow-path.js";

export interface DecisionLogComparison {
  readonly sessions: number;
  /** Throughput with the log on over throughput with it off. */
  readonly onOverOff: number | null;
  /** Latency with the log on minus with it off, ms. */
  readonly costP50Ms: number | null;
  readonly costP99Ms: number | null;
}

export interface DecisionLogResult {
  readonly plan: AllowPathPlan;
  readonly cells: CellSummary[];
  readonly comparisons: DecisionLogComparison[];
}

/**
 * Section 5: the allow-path mix against two gateway processes built alike by the bench's
 * composition, one with the real decision log and one with a stub that discards records,
 * interleaved in rounds.
 */
export async function measureDecisionLogCost(
  context: TargetContext,
  plan: AllowPathPlan,
): Promise<DecisionLogResult> {
  const targets = [await startComposedTarget(context, "real"), await startComposedTarget(context, "discard")];
  const cells: CellSummary[] = [];
  for (const sessions of plan.sessionCounts) {
    const runs = await measureInterleaved(targets, { ...plan, sessions });
    cells.push(...runs.map(summarizeCell));
  }
  const comparisons = plan.sessionCounts.map((sessions): DecisionLogComparison => {
    const on = cells.find((cell) => cell.sessions === sessions && cell.target === "log-real");
    const off = cells.find((cell) => cell.sessions === sessions && cell.target === "log-discard");
    return {
      sessions,
      onOverOff: ratio(on?.reqPerSec, off?.reqPerSec),
      costP50Ms: difference(on?.latency?.p50, off?.latency?.p50),
      costP99Ms: difference(on?.latency?.p99, off?.latency?.p99),
    };
  });
  return { plan, cells, comparisons };
}

export function formatDecisionLogCost(result: DecisionLogResult): string {
  const { plan } = result;
  return [
    `5. Decision-log write cost: the allow-path mix, ${plan.rounds} interleaved rounds of ${plan.runMs / 1_000} s per target`,
    formatCellTable(result.cells),
    "",
    formatTable([
      ["sessions", "req/s on/off", "p50 cost", "p99 cost"],
      ...result.comparisons.map((c) => [
        String(c.sessions),
        formatRatio(c.onOverOff),
        formatSignedMs(c.costP50Ms),
        formatSignedMs(c.costP99Ms),
      ]),
    ]),
    "Both are bench/composed-gateway.js processes wiring the product's classes as startGateway does (stdio upstream,",
    "same policy, rate limiter, approvals, metrics); 'off' replaces the DecisionLog with a stub that drops each record",
    "unread, so it also skips redaction and row building. Cost = on - off.",
  ].join("\n");
}
