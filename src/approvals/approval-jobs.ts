import { Queue, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { describeError } from "../errors.js";
import { withRedisDeadline } from "../redis/deadline.js";

/** The deferred work of approvals, kept in Redis so it survives a replica's restart. */
export type ApprovalJobName = "expire" | "post" | "update";

export interface ApprovalJobData {
  readonly approvalId: string;
}

export interface ApprovalJobsOptions {
  /** A connection made for BullMQ (it waits for Redis), shared by the queue and the worker. */
  readonly connection: Redis;
  /** Key prefix of the BullMQ queue, so several gateways can share one Redis. */
  readonly prefix: string;
  readonly logger: Logger;
}

const queueName = "approvals";

/** Slack may be briefly unreachable: retry message posts and updates for about a minute. */
const notifyJobOptions = {
  attempts: 6,
  backoff: { type: "exponential", delay: 1_000 },
  removeOnComplete: 1_000,
  removeOnFail: 5_000,
} as const;

/**
 * The approvals queue. Every replica runs a worker, so an expiry or a Slack update is
 * handled by whichever replica is alive when it is due, including after restarts.
 *
 * BullMQ's connection waits for Redis instead of failing, so every call made here is bounded
 * by the Redis deadline and fails with REDIS_UNAVAILABLE: callers on a call's path fail closed
 * instead of hanging. A job whose add timed out may still be added when Redis answers again;
 * the jobs are written to be harmless then (see ApprovalService.runJob).
 */
export class ApprovalJobs {
  private readonly queue: Queue<ApprovalJobData, void, ApprovalJobName>;
  private worker: Worker<ApprovalJobData, void, ApprovalJobName> | undefined;

  constructor(private readonly options: ApprovalJobsOptions) {
    this.queue = new Queue(queueName, { connection: options.connection, prefix: options.prefix });
    this.queue.on("error", (error) =>
      options.logger.warn({ err: describeError(error) }, "approval queue error"),
    );
  }

  /** Fires the rule's timeout at `expiresAt`; the job id makes scheduling twice harmless. */
  async scheduleExpiry(approvalId: string, expiresAt: Date): Promise<void> {
    await this.bounded("schedule the approval's expiry", () =>
      this.queue.add(
        "expire",
        { approvalId },
        {
          jobId: `expire-${approvalId}`,
          delay: Math.max(0, expiresAt.getTime() - Date.now()),
          attempts: 10,
          backoff: { type: "exponential", delay: 500 },
          removeOnComplete: 1_000,
          removeOnFail: 5_000,
        },
      ),
    );
  }

  /** Best effort: an expiry that fires anyway finds the request decided and changes nothing. */
  async cancelExpiry(approvalId: string): Promise<void> {
    await this.bounded("cancel the approval's expiry", () => this.queue.remove(`expire-${approvalId}`)).catch(
      () => undefined,
    );
  }

  async schedulePost(approvalId: string): Promise<void> {
    await this.bounded("schedule the approval's Slack post", () =>
      this.queue.add("post", { approvalId }, { ...notifyJobOptions, jobId: `post-${approvalId}` }),
    );
  }

  async scheduleUpdate(approvalId: string): Promise<void> {
    await this.bounded("schedule the approval's Slack update", () =>
      this.queue.add("update", { approvalId }, notifyJobOptions),
    );
  }

  /** Starts processing on this replica. */
  startWorker(process: (name: ApprovalJobName, data: ApprovalJobData) => Promise<void>): void {
    this.worker = new Worker<ApprovalJobData, void, ApprovalJobName>(
      queueName,
      (job: Job<ApprovalJobData, void, ApprovalJobName>) => process(job.name, job.data),
      { connection: this.options.connection, prefix: this.options.prefix, concurrency: 16 },
    );
    this.worker.on("failed", (job, error) =>
      this.options.logger.warn(
        {
          job: job?.name,
          approvalId: job?.data.approvalId,
          attempt: job?.attemptsMade,
          err: describeError(error),
        },
        "approval job failed",
      ),
    );
    this.worker.on("error", (error) =>
      this.options.logger.warn({ err: describeError(error) }, "approval worker error"),
    );
  }

  private async bounded(action: string, work: () => Promise<unknown>): Promise<void> {
    await withRedisDeadline(this.options.connection, action, work);
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}
