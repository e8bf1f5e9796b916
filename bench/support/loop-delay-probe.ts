import { appendFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";

/**
 * Preloaded into a gateway process (`node --import …/loop-delay-probe.js`) to record its
 * event-loop delay without adding anything to the product: once a second it appends
 * `{"ts":<ms>,"p50":…,"p99":…,"max":…,"heapUsedMb":…,"heapTotalMb":…,"externalMb":…}` (delays in milliseconds) to the file
 * named by BENCH_LOOP_DELAY_LOG, then starts a fresh histogram. The heap figure tells live
 * objects (and garbage not yet collected) from the rest of the resident memory.
 */

const logPath = process.env.BENCH_LOOP_DELAY_LOG;
const sampleEveryMs = 1_000;

if (logPath) {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const ms = (nanoseconds: number): number => Math.round(nanoseconds / 1_000) / 1_000;
  const timer = setInterval(() => {
    const line = {
      ts: Date.now(),
      p50: ms(histogram.percentile(50)),
      p99: ms(histogram.percentile(99)),
      max: ms(histogram.max),
      ...heapFigures(),
    };
    histogram.reset();
    appendFileSync(logPath, `${JSON.stringify(line)}\n`);
  }, sampleEveryMs);
  timer.unref();
}

function heapFigures(): { heapUsedMb: number; heapTotalMb: number; externalMb: number } {
  const memory = process.memoryUsage();
  const mb = (bytes: number): number => Math.round(bytes / 104_857.6) / 10;
  return {
    heapUsedMb: mb(memory.heapUsed),
    heapTotalMb: mb(memory.heapTotal),
    externalMb: mb(memory.external),
  };
}
