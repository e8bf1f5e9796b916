import type { Logger } from "pino";
import { describeError } from "../errors.js";
import type { ApprovalService } from "./approval-service.js";
import type { ApprovalStore } from "./approval-store.js";

export interface ApprovalSweepOptions {
  readonly store: ApprovalStore;
  readonly service: ApprovalService;
  readonly logger: Logger;
  /** Time between passes; default {@link approvalSweepIntervalMs}. */
  readonly intervalMs?: number;
}

/** What one pass repaired. */
export interface SweepReport {
  /** Overdue requests whose timeout this pass applied. */
  readonly expired: number;
  /** Requests without a Slack message whose post this pass scheduled again. */
  readonly reposted: number;
}

/**
 * How often each gateway replica sweeps: it bounds how late the timeout of a request whose
 * expiry job was never scheduled fires. A pass is one or two indexed queries.
 */
export const approvalSweepIntervalMs = 10_000;

/** Most requests one pass repairs of each kind; the rest wait for the next pass. */
const batchSize = 100;

/** The post job runs at once and retries for about half a minute; after this it was lost. */
const postGraceMs = 60_000;

/**
 * Repairs what a replica killed between saving a request and scheduling its jobs leaves
 * behind: a pending request that nothing expires and nobody is asked about. Every replica
 * sweeps, at start-up and then periodically. Several sweeping at once is safe: a timeout is
 * applied under the request's row lock (so once, and announced once), and a post is
 * scheduled under its job id (so at most once).
 */
export class ApprovalSweep {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SweepReport> | undefined;

  constructor(private readonly options: ApprovalSweepOptions) {}

  /** Sweeps now, then every interval until `stop`. */
  start(): void {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.options.intervalMs ?? approvalSweepIntervalMs);
    // The timer must not keep a closing process alive; `stop()` is the orderly way out.
    this.timer.unref();
  }

  /** Runs one pass, or joins the one under way. Never throws: a failed part is logged and retried next pass. */
  sweep(): Promise<SweepReport> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Stops the timer and waits for a pass in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async pass(): Promise<SweepReport> {
    const now = new Date();
    const expired = await this.attempt("apply overdue timeouts", () => this.expireOverdue(now), 0);
    const reposted = this.options.service.postsRequests
      ? await this.attempt("re-schedule Slack posts", () => this.repostUnposted(now), [])
      : [];
    if (expired > 0 || reposted.length > 0) {
      this.options.logger.info(
        { expired, reposted: reposted.length, repostedIds: reposted },
        "approval sweep repaired stranded requests",
      );
    }
    return { expired, reposted: reposted.length };
  }

  /**
   * Each timeout applied is logged ("approval timed out") and announced by the service. The
   * first failure ends this part of the pass: in an outage the rest would fail alike.
   */
  private async expireOverdue(now: Date): Promise<number> {
    let expired = 0;
    for (const id of await this.options.store.overdueIds(now, batchSize)) {
      if ((await this.options.service.expireIfOverdue(id)).expired) expired += 1;
    }
    return expired;
  }

  /** As above, the first failure (Redis away) ends this part of the pass. */
  private async repostUnposted(now: Date): Promise<string[]> {
    const ids = await this.options.store.unpostedIds(new Date(now.getTime() - postGraceMs), batchSize);
    for (const id of ids) await this.options.service.reschedulePost(id);
    return ids;
  }

  private async attempt<T>(what: string, work: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await work();
    } catch (error) {
      this.options.logger.warn({ err: describeError(error) }, `approval sweep could not ${what}; will retry`);
      return fallback;
    }
  }
}
