import type { LoopDelay } from "../support/loop-delay-log.js";
import { formatTable } from "../support/stats.js";
import type { PendingResult } from "./pending-capacity.js";

export function formatPendingCapacity(result: PendingResult): string {
  const { plan, rssMb, loopDelayMs, approve, calls } = result;
  const seconds = (ms: number | null): string => (ms === null ? "-" : `${(ms / 1_000).toFixed(1)} s`);
  const mb = (value: number | null): string => (value === null ? "-" : value.toFixed(0));
  const table = formatTable([
    ["gateway process", "RSS MB (max)", "V8 heap MB used / committed (max)", "loop delay p50 / p99 / max ms"],
    [
      `${plan.sessions} sessions open, nothing held`,
      mb(rssMb.sessionsOpen),
      heap(loopDelayMs.idle),
      delay(loopDelayMs.idle),
    ],
    [
      `ramp to ${result.reachedPending} pending (${seconds(result.rampMs)})`,
      "-",
      heap(loopDelayMs.ramp),
      delay(loopDelayMs.ramp),
    ],
    [
      `holding ${result.reachedPending} (${seconds(plan.holdMs)})`,
      mb(rssMb.holdMax),
      heap(loopDelayMs.hold),
      delay(loopDelayMs.hold),
    ],
    [
      "approving, calls returning",
      mb(rssMb.releaseMax),
      heap(loopDelayMs.release),
      delay(loopDelayMs.release),
    ],
  ]);
  const votesPerSecond = approve.decideMs > 0 ? (approve.votes / approve.decideMs) * 1_000 : 0;
  return [
    `3. Pending capacity: ${plan.sessions} sessions x ${plan.callsPerSession} calls held for approval on ONE gateway process`,
    table,
    `pending at once: ${result.reachedPending} of ${result.target} (ramp limit ${seconds(plan.rampLimitMs)});` +
      ` RSS per pending call: ${rssMb.perPendingKb ?? "-"} KB;` +
      ` most pending seen with RSS <= ${result.rssLimitMb} MB: ${result.largestWithinLimit}`,
    `approve all: ${approve.votes} operator votes through ApprovalService.decide, ${plan.approveParallel} in flight:` +
      ` ${seconds(approve.decideMs)} (${votesPerSecond.toFixed(0)} votes/s), ${approve.notRecorded} not recorded` +
      `${approve.firstProblem ? ` (${approve.firstProblem})` : ""}`,
    `all ${calls.fired} held calls returned ${approve.allReturnedMs === null ? "NOT within the limit" : `${seconds(approve.allReturnedMs)} after the first vote`}:` +
      ` ${calls.ok} with the upstream's result, ${calls.refused} refused, ${calls.failed} failed` +
      `${calls.firstProblem ? ` (first: ${calls.firstProblem})` : ""}`,
    `fits (all pending at once, all executed, RSS <= 512 MB): ${result.fits ? "yes" : "NO"}`,
    "RSS: VmRSS of the gateway process from /proc (its stdio upstream is a separate process); loop delay: a",
    "preloaded perf_hooks.monitorEventLoopDelay probe (node --import), per-second samples; p50 = median second.",
  ].join("\n");
}

function heap(value: LoopDelay | null): string {
  return value === null ? "-" : `${value.heapUsedMaxMb.toFixed(0)} / ${value.heapTotalMaxMb.toFixed(0)}`;
}

function delay(value: LoopDelay | null): string {
  if (value === null) return "-";
  return `${value.p50.toFixed(1)} / ${value.p99.toFixed(1)} / ${value.max.toFixed(1)}`;
}
