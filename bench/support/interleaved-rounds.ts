import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { BenchTarget } from "./allow-targets.js";
import { runClosedLoop, type LoopRun } from "./closed-loop.js";
import type { LogLag } from "./decision-backlog.js";
import { closeSessions } from "./sessions.js";

export interface RoundsPlan {
  readonly sessions: number;
  readonly rounds: number;
  /** Length of each measured run of one target. */
  readonly runMs: number;
  /** One unmeasured run per target first (connections, JIT, upstream caches). */
  readonly warmupMs: number;
}

/** Every measured run of one target at one session count. */
export interface CellRuns {
  readonly target: BenchTarget;
  readonly runs: LoopRun[];
  readonly lags: LogLag[];
}

/**
 * Runs the targets in rounds, each round visiting every target once in an order rotated by
 * one per round, so that machine noise and any after-effects of a run (such as a decision
 * log still writing) fall on all targets alike.
 */
export async function measureInterleaved(
  targets: readonly BenchTarget[],
  plan: RoundsPlan,
): Promise<CellRuns[]> {
  const opened: Array<{ target: BenchTarget; sessions: Client[] }> = [];
  try {
    for (const target of targets) opened.push({ target, sessions: await target.openSessions(plan.sessions) });
    for (const { target, sessions } of opened) await runOnce(target, sessions, plan.warmupMs);
    const cells = new Map(
      opened.map(({ target }) => [target.key, { target, runs: [], lags: [] } as CellRuns]),
    );
    for (let round = 0; round < plan.rounds; round += 1) {
      for (const { target, sessions } of rotate(opened, round)) {
        const measured = await runOnce(target, sessions, plan.runMs);
        cells.get(target.key)?.runs.push(measured.run);
        if (measured.lag) cells.get(target.key)?.lags.push(measured.lag);
      }
    }
    return [...cells.values()];
  } finally {
    for (const { sessions } of opened) await closeSessions(sessions);
  }
}

async function runOnce(
  target: BenchTarget,
  sessions: readonly Client[],
  durationMs: number,
): Promise<{ run: LoopRun; lag: LogLag | undefined }> {
  const run = await runClosedLoop(sessions, durationMs);
  const lag = await target.afterRun?.(run.calls + run.errors);
  return { run, lag };
}

/** The items starting at index `by` (modulo their count), wrapping around. */
export function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = by % Math.max(1, items.length);
  return [...items.slice(shift), ...items.slice(0, shift)];
}
