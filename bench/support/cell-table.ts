import type { CellSummary } from "./cell-summary.js";
import { formatMs, formatTable, type Summary } from "./stats.js";

/** One row per target and session count: throughput, latency overall and by call size, errors, log lag. */
export function formatCellTable(cells: readonly CellSummary[]): string {
  const header = [
    "sessions",
    "target",
    "req/s",
    "req/s by round",
    "p50 ms",
    "p99 ms",
    "small p50",
    "small p99",
    "64KB p50",
    "64KB p99",
    "calls",
    "errors",
    "log backlog / drain",
  ];
  return formatTable([header, ...cells.map(cellRow)]);
}

function cellRow(cell: CellSummary): string[] {
  return [
    String(cell.sessions),
    cell.label,
    cell.reqPerSec.toFixed(0),
    cell.roundReqPerSec.map((value) => value.toFixed(0)).join("/"),
    ms(cell.latency, "p50"),
    ms(cell.latency, "p99"),
    ms(cell.small, "p50"),
    ms(cell.small, "p99"),
    ms(cell.large, "p50"),
    ms(cell.large, "p99"),
    String(cell.calls),
    String(cell.errors),
    cell.logLag
      ? `${cell.logLag.maxBacklog} / ${cell.logLag.maxDrainMs} ms${cell.logLag.allDrained ? "" : " (not drained)"}`
      : "-",
  ];
}

function ms(summary: Summary | null, key: "p50" | "p99"): string {
  return summary ? formatMs(summary[key]) : "-";
}

/** `a / b` as a ratio with two decimals, or "-" when either side is missing. */
export function ratio(a: number | undefined, b: number | undefined): number | null {
  if (a === undefined || b === undefined || b === 0) return null;
  return Math.round((a / b) * 100) / 100;
}

/** A signed difference in ms, rounded to microseconds. */
export function difference(a: number | undefined, b: number | undefined): number | null {
  if (a === undefined || b === undefined) return null;
  return Math.round((a - b) * 1_000) / 1_000;
}

export function formatRatio(value: number | null): string {
  return value === null ? "-" : value.toFixed(2);
}

export function formatSignedMs(value: number | null): string {
  if (value === null) return "-";
  return `${value >= 0 ? "+" : ""}${value.toFixed(2)} ms`;
}
