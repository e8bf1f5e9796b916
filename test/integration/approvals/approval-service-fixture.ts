import type { Redis } from "ioredis";
import { pino } from "pino";
import {
  createApprovalService,
  type ApprovalNotifier,
  type ApprovalRequest,
  type HeldCall,
  type RunningApprovalService,
} from "../../../src/approvals/index.js";
import type { PrismaClient } from "../../../src/generated/prisma/client.js";
import type { ApprovalSpec, RuleRef } from "../../../src/policy/types.js";
import { createRedisConnection } from "../../../src/redis/index.js";
import { uniquePrefix } from "../../support/services.js";

/** Stands in for Slack: remembers what it was asked to post and update. */
export class RecordingNotifier implements ApprovalNotifier {
  readonly posted: ApprovalRequest[] = [];
  readonly updated: ApprovalRequest[] = [];

  async postRequest(request: ApprovalRequest): Promise<{ channel: string; ts: string }> {
    this.posted.push(request);
    return { channel: "C0APPROVALS", ts: `1700000000.${String(this.posted.length).padStart(6, "0")}` };
  }

  async updateRequest(request: ApprovalRequest): Promise<void> {
    this.updated.push(request);
  }
}

export interface ApprovalReplica extends RunningApprovalService {
  readonly keyPrefix: string;
  /** Everything the service logged, one JSON object a line. */
  logs(): string;
}

/**
 * An approval service as a gateway replica (or the CLI) builds it, on a Redis key prefix of
 * its own unless `keyPrefix` makes it share another replica's queue and wake-ups.
 */
export async function startApprovalReplica(options: {
  readonly prisma: PrismaClient;
  readonly redisUrl: string;
  readonly notifier: ApprovalNotifier | undefined;
  readonly role: "gateway" | "operator";
  readonly keyPrefix?: string;
}): Promise<ApprovalReplica> {
  const keyPrefix = options.keyPrefix ?? uniquePrefix("approvals");
  let logged = "";
  const logger = pino({ level: "debug" }, { write: (line: string) => (logged += line) });
  const publisher: Redis = createRedisConnection(options.redisUrl, {
    name: "test-publisher",
    purpose: "commands",
  });
  // A gateway's command connection is up long before its first wake-up; this one is new.
  if (publisher.status !== "ready") await new Promise((resolve) => publisher.once("ready", resolve));
  const running = await createApprovalService({
    prisma: options.prisma,
    redisUrl: options.redisUrl,
    publisher,
    keyPrefix,
    redact: (value) => value,
    grantTtlMs: 60_000,
    logger,
    notifier: options.notifier,
    role: options.role,
  });
  return {
    service: running.service,
    keyPrefix,
    logs: () => logged,
    close: async () => {
      await running.close();
      publisher.disconnect();
    },
  };
}

export const approvalRule: RuleRef = { id: "approve-keys", index: 0 };

export function approvalSpec(overrides: Partial<ApprovalSpec> = {}): ApprovalSpec {
  return {
    approvers: [],
    quorum: 1,
    timeoutMs: 600_000,
    onTimeout: "deny",
    requireReasonOnDeny: false,
    ...overrides,
  };
}

/** Agent ci-bot's `create_api_key` call for a key named `name`. */
export function keyCall(name: string): HeldCall {
  return {
    agentId: "ci-bot",
    sessionId: "s1",
    upstream: "sagemaker",
    tool: "create_api_key",
    args: { name },
  };
}

export type Settlement<T> =
  | { readonly kind: "fulfilled"; readonly value: T }
  | { readonly kind: "rejected"; readonly error: unknown }
  | { readonly kind: "still waiting" };

/** How `work` settled within `ms`, or that it had not: a bound on hanging, not a benchmark. */
export function settlementWithin<T>(work: Promise<T>, ms: number): Promise<Settlement<T>> {
  let timer: NodeJS.Timeout | undefined;
  const waiting = new Promise<Settlement<T>>((resolve) => {
    timer = setTimeout(() => resolve({ kind: "still waiting" }), ms);
  });
  const settled = work.then(
    (value): Settlement<T> => ({ kind: "fulfilled", value }),
    (error: unknown): Settlement<T> => ({ kind: "rejected", error }),
  );
  return Promise.race([settled, waiting]).finally(() => clearTimeout(timer));
}
