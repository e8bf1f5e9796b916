import { existsSync, readFileSync } from "node:fs";

/** Event-loop delay over a window, from the probe's one-second samples (ms). */
export interface LoopDelay {
  readonly seconds: number;
  /** Median of the per-second medians. */
  readonly p50: number;
  /** Highest per-second 99th percentile. */
  readonly p99: number;
  readonly max: number;
  /** Highest V8 heap in use, sampled once a second (live objects and garbage not yet collected). */
  readonly heapUsedMaxMb: number;
  /** Highest V8 heap committed (used, free and garbage): what of the RSS is V8's. */
  readonly heapTotalMaxMb: number;
}

interface ProbeLine {
  readonly ts: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly heapUsedMb: number;
  readonly heapTotalMb?: number;
}

/** Reads the probe's file (see loop-delay-probe.ts) and summarizes the seconds within [from, to]. */
export function loopDelayBetween(logPath: string, fromTs: number, toTs: number): LoopDelay | null {
  if (!existsSync(logPath)) return null;
  const lines = readFileSync(logPath, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ProbeLine)
    // Each line covers the second before its timestamp.
    .filter((line) => line.ts > fromTs && line.ts <= toTs + 1_000);
  if (lines.length === 0) return null;
  const medians = lines.map((line) => line.p50).sort((a, b) => a - b);
  return {
    seconds: lines.length,
    p50: medians[Math.floor((medians.length - 1) / 2)] ?? 0,
    p99: Math.max(...lines.map((line) => line.p99)),
    max: Math.max(...lines.map((line) => line.max)),
    heapUsedMaxMb: Math.max(...lines.map((line) => line.heapUsedMb)),
    heapTotalMaxMb: Math.max(...lines.map((line) => line.heapTotalMb ?? 0)),
  };
}
