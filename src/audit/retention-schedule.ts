import type { Logger } from "pino";
import { describeError } from "../errors.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { pruneDecisions } from "./retention.js";

export interface RetentionScheduleOptions {
  readonly prisma: PrismaClient;
  /** Records older than this many days are pruned. */
  readonly retentionDays: number;
  readonly logger: Logger;
  /** Delay before the first run (default one minute), so start-up is not slowed by it. */
  readonly firstRunDelayMs?: number;
  /** Time between runs (default one hour). */
  readonly intervalMs?: number;
  readonly now?: () => Date;
}

export interface RetentionSchedule {
  /** Stops the timers and waits for a run in progress. */
  stop(): Promise<void>;
}

const dayMs = 86_400_000;

/**
 * Prunes old decision records periodically. Every replica may run one: the chain lock makes
 * concurrent runs take turns, and a run finding nothing old enough changes nothing. A failed
 * run is logged and simply tried again at the next interval.
 */
export function startRetentionSchedule(options: RetentionScheduleOptions): RetentionSchedule {
  const now = options.now ?? (() => new Date());
  let running: Promise<void> | undefined;
  let stopped = false;
  let interval: ReturnType<typeof setInterval> | undefined;

  const prune = async (): Promise<void> => {
    const olderThan = new Date(now().getTime() - options.retentionDays * dayMs);
    try {
      const result = await pruneDecisions(options.prisma, { olderThan });
      if (result.pruned > 0) {
        options.logger.info(
          { pruned: result.pruned, anchorSeq: result.anchor?.seq, olderThan },
          "pruned old decision records",
        );
      }
    } catch (error) {
      options.logger.warn({ err: describeError(error) }, "pruning old decision records failed; will retry");
    }
  };
  const run = (): void => {
    if (stopped || running) return;
    running = prune().finally(() => (running = undefined));
  };

  // Timers must not keep a closing process alive; `stop()` is the orderly way out.
  const first = setTimeout(() => {
    run();
    interval = setInterval(run, options.intervalMs ?? 3_600_000);
    interval.unref();
  }, options.firstRunDelayMs ?? 60_000);
  first.unref();

  return {
    stop: async () => {
      stopped = true;
      clearTimeout(first);
      clearInterval(interval);
      await running;
    },
  };
}
