import type { CellRuns } from "./interleaved-rounds.js";
import { summarize, type Summary } from "./stats.js";

/** One target at one session count, over all its measured runs. */
export interface CellSummary {
  readonly target: string;
  readonly label: string;
  readonly sessions: number;
  readonly calls: number;
  readonly errors: number;
  readonly firstError: string | null;
  /** Answered calls over the summed run time. */
  readonly reqPerSec: number;
  readonly roundReqPerSec: number[];
  /** Latency in ms of every answered call, then of the small and the 64 KB ones alone. */
  readonly latency: Summary | null;
  readonly small: Summary | null;
  readonly large: Summary | null;
  /** For targets that write a decision log: the worst backlog at the end of a run. */
  readonly logLag: { maxBacklog: number; maxDrainMs: number; allDrained: boolean } | null;
}

export function summarizeCell(cell: CellRuns): CellSummary {
  const small = cell.runs.flatMap((run) => run.latencies.small);
  const large = cell.runs.flatMap((run) => run.latencies.large);
  const calls = sum(cell.runs.map((run) => run.calls));
  const elapsedMs = sum(cell.runs.map((run) => run.elapsedMs));
  return {
    target: cell.target.key,
    label: cell.target.label,
    sessions: cell.runs[0]?.sessions ?? 0,
    calls,
    errors: sum(cell.runs.map((run) => run.errors)),
    firstError: cell.runs.map((run) => run.firstError).find((error) => error !== undefined) ?? null,
    reqPerSec: round1(calls / (elapsedMs / 1_000)),
    roundReqPerSec: cell.runs.map((run) => round1(run.calls / (run.elapsedMs / 1_000))),
    latency: summaryOf([...small, ...large]),
    small: summaryOf(small),
    large: summaryOf(large),
    logLag:
      cell.lags.length === 0
        ? null
        : {
            maxBacklog: Math.max(...cell.lags.map((lag) => lag.backlog)),
            maxDrainMs: Math.round(Math.max(...cell.lags.map((lag) => lag.drainMs))),
            allDrained: cell.lags.every((lag) => lag.drained),
          },
  };
}

/** Latency summaries rounded to microseconds, so results.json stays readable. */
function summaryOf(samples: readonly number[]): Summary | null {
  if (samples.length === 0) return null;
  const summary = summarize(samples);
  const ms = (value: number): number => Math.round(value * 1_000) / 1_000;
  return {
    count: summary.count,
    p50: ms(summary.p50),
    p90: ms(summary.p90),
    p99: ms(summary.p99),
    max: ms(summary.max),
    mean: ms(summary.mean),
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
