import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { PrismaClient } from "../generated/prisma/client.js";
import { createRedisConnection } from "../redis/index.js";
import { describeError } from "../errors.js";
import { ApprovalJobs } from "./approval-jobs.js";
import { ApprovalService } from "./approval-service.js";
import { ApprovalStore } from "./approval-store.js";
import { ApprovalSweep } from "./approval-sweep.js";
import { DecisionWaiter } from "./decision-waiter.js";
import type { ApprovalNotifier, ApprovalRequest } from "./types.js";

export interface ApprovalServiceSetup {
  readonly prisma: PrismaClient;
  readonly redisUrl: string;
  /** An existing command connection, used to publish wake-ups. */
  readonly publisher: Redis;
  readonly keyPrefix: string;
  readonly redact: (value: unknown) => unknown;
  readonly grantTtlMs: number;
  readonly logger: Logger;
  /** The channel that shows requests to people (Slack), when one is configured. */
  readonly notifier: ApprovalNotifier | undefined;
  /** Gateways run the job worker and listen for wake-ups; the CLI only decides. */
  readonly role: "gateway" | "operator";
}

export interface RunningApprovalService {
  readonly service: ApprovalService;
  close(): Promise<void>;
}

/** How often a replica re-checks its held calls in Postgres in case a wake-up message was lost. */
const recheckMs = 5_000;

/**
 * Builds the approval service and its Redis plumbing; for gateways, also starts the job
 * worker, the wake-up listener and the sweep.
 */
export async function createApprovalService(setup: ApprovalServiceSetup): Promise<RunningApprovalService> {
  const onError = (error: Error): void =>
    setup.logger.warn({ err: describeError(error) }, "redis connection error");
  const queueConnection = createRedisConnection(setup.redisUrl, {
    name: "approvals-queue",
    purpose: "bullmq",
    onError,
  });
  const subscriber = createRedisConnection(setup.redisUrl, {
    name: "approvals-events",
    purpose: "bullmq",
    onError,
  });
  const jobs = new ApprovalJobs({
    connection: queueConnection,
    prefix: `${setup.keyPrefix}:bull`,
    logger: setup.logger,
  });
  const store = new ApprovalStore(setup.prisma);
  // The waiter re-reads through the service, which also applies overdue timeouts.
  let refresh: (approvalId: string) => Promise<ApprovalRequest | undefined> = (id) => store.get(id);
  const waiter = new DecisionWaiter({
    subscriber,
    publisher: setup.publisher,
    channel: `${setup.keyPrefix}:approvals:decided`,
    load: (id) => refresh(id),
    findSettled: (ids) => store.findSettled(ids),
    recheckMs,
    logger: setup.logger,
  });
  const service = new ApprovalService({
    store,
    jobs,
    waiter,
    notifier: setup.notifier,
    redact: setup.redact,
    grantTtlMs: setup.grantTtlMs,
    logger: setup.logger,
  });
  refresh = (id) => service.refresh(id);
  let sweep: ApprovalSweep | undefined;
  if (setup.role === "gateway") {
    await waiter.start();
    jobs.startWorker((name, data) => service.runJob(name, data.approvalId));
    sweep = new ApprovalSweep({ store, service, logger: setup.logger });
    sweep.start();
  }
  return {
    service,
    close: async () => {
      await sweep?.stop();
      await jobs.close();
      await waiter.close();
      queueConnection.disconnect();
    },
  };
}
