import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { describeError, ErrorCode, GatewayError, isGatewayError } from "../errors.js";
import type { ApprovalSpec, RuleRef } from "../policy/types.js";
import type { ApprovalJobName, ApprovalJobs } from "./approval-jobs.js";
import type { ApprovalListFilter, ApprovalStore, ApprovalTransition } from "./approval-store.js";
import { argumentsHash } from "./arguments-hash.js";
import type { DecisionWaiter, WaitOptions, WaitOutcome } from "./decision-waiter.js";
import type { ApprovalDecider, ApprovalNotifier, ApprovalRequest, VoteInput, VoteResult } from "./types.js";

export interface ApprovalServiceOptions {
  readonly store: ApprovalStore;
  readonly jobs: ApprovalJobs;
  readonly waiter: DecisionWaiter;
  readonly notifier: ApprovalNotifier | undefined;
  readonly redact: (value: unknown) => unknown;
  /** How long a decision stays collectable by a retried call after the held call stopped waiting. */
  readonly grantTtlMs: number;
  readonly logger: Logger;
}

/** The call that needs approval, as the gate saw it. */
export interface HeldCall {
  readonly agentId: string;
  readonly sessionId: string | undefined;
  readonly upstream: string;
  readonly tool: string;
  readonly args: Record<string, unknown>;
}

/**
 * The approval workflow. Postgres (through the store) is the source of truth; BullMQ
 * carries the deferred work (expiry, Slack posts and updates); Redis pub/sub wakes the
 * replica holding the call. Every channel (Slack, CLI, API) decides through `decide`.
 */
export class ApprovalService implements ApprovalDecider {
  constructor(private readonly options: ApprovalServiceOptions) {}

  /**
   * The approval request for this call: the agent's earlier request for the very same call
   * when one is still pending or decided-but-uncollected (a retry after "approval
   * pending"), otherwise a new one, persisted before anyone is asked.
   */
  async open(call: HeldCall, rule: RuleRef, spec: ApprovalSpec): Promise<ApprovalRequest> {
    const hash = argumentsHash(call.args);
    const reusable = await this.options.store.findReusable({
      agentId: call.agentId,
      upstream: call.upstream,
      tool: call.tool,
      argumentsHash: hash,
      decidedSince: new Date(Date.now() - this.options.grantTtlMs),
    });
    if (reusable) {
      if (reusable.status !== "pending") return reusable;
      const current = await this.refresh(reusable.id);
      // Re-scheduling restores jobs a Redis that lost its data forgot; job ids make it
      // harmless otherwise. If it fails the call fails closed, but the request stays: people
      // may be looking at it, and the sweep still expires it and posts it.
      if (current?.status === "pending") await this.schedule(current);
      return current ?? reusable;
    }
    const request = await this.options.store.create({
      id: randomUUID(),
      agentId: call.agentId,
      sessionId: call.sessionId ?? null,
      upstream: call.upstream,
      tool: call.tool,
      arguments: this.options.redact(call.args),
      argumentsHash: hash,
      ruleId: rule.id,
      channel: spec.channel ?? null,
      approvers: spec.approvers,
      quorum: spec.quorum,
      onTimeout: spec.onTimeout,
      requireReasonOnDeny: spec.requireReasonOnDeny,
      expiresAt: new Date(Date.now() + spec.timeoutMs),
    });
    try {
      await this.schedule(request);
    } catch (error) {
      // Nobody would be asked and the call fails closed: withdraw the request. No announcement:
      // nobody waits for it and it was never posted (a post added late skips it, see runJob).
      await this.options.store
        .cancel(request.id, "the approval queue (Redis) was unavailable")
        .catch(() => undefined);
      throw error;
    }
    this.options.logger.info(
      {
        approvalId: request.id,
        agentId: call.agentId,
        upstream: call.upstream,
        tool: call.tool,
        rule: rule.id,
      },
      "approval requested",
    );
    return request;
  }

  /**
   * Schedules the request's expiry and its Slack post (both idempotent by job id), together,
   * each within the Redis deadline. Fails with REDIS_UNAVAILABLE.
   */
  private async schedule(request: ApprovalRequest): Promise<void> {
    try {
      await Promise.all([
        this.options.jobs.scheduleExpiry(request.id, request.expiresAt),
        this.options.notifier ? this.options.jobs.schedulePost(request.id) : undefined,
      ]);
    } catch (error) {
      if (isGatewayError(error) && error.code === ErrorCode.RedisUnavailable) throw error;
      throw new GatewayError(
        ErrorCode.RedisUnavailable,
        `approval queue unavailable: ${describeError(error)}`,
        {
          cause: error,
        },
      );
    }
  }

  waitForDecision(approvalId: string, options: WaitOptions): Promise<WaitOutcome> {
    return this.options.waiter.wait(approvalId, options);
  }

  get(approvalId: string): Promise<ApprovalRequest | undefined> {
    return this.options.store.get(approvalId);
  }

  /** The request's current state, applying its timeout if it is overdue. */
  async refresh(approvalId: string): Promise<ApprovalRequest | undefined> {
    return (await this.expireIfOverdue(approvalId)).request;
  }

  /**
   * Applies the request's timeout if it is still pending and overdue, and says whether this
   * call did. The expiry job is the normal path; this covers one that was lost with a Redis
   * that lost its data, or never scheduled by a replica that died (see ApprovalSweep).
   */
  async expireIfOverdue(
    approvalId: string,
  ): Promise<{ readonly request: ApprovalRequest | undefined; readonly expired: boolean }> {
    const request = await this.options.store.get(approvalId);
    if (!request || request.status !== "pending" || request.expiresAt.getTime() > Date.now()) {
      return { request, expired: false };
    }
    const result = await this.applyTimeout(approvalId);
    if (result.kind === "not_found") return { request: undefined, expired: false };
    return { request: result.request, expired: result.kind === "applied" };
  }

  /** Whether a channel (Slack) shows requests to people, so that requests get posted. */
  get postsRequests(): boolean {
    return this.options.notifier !== undefined;
  }

  /** Schedules the request's post again, for one whose post job was lost; harmless by job id. */
  async reschedulePost(approvalId: string): Promise<void> {
    if (this.options.notifier) await this.options.jobs.schedulePost(approvalId);
  }

  list(filter: ApprovalListFilter): Promise<ApprovalRequest[]> {
    return this.options.store.list(filter);
  }

  async decide(input: VoteInput): Promise<VoteResult> {
    const result = await this.options.store.vote(input);
    if (result.kind === "recorded") {
      this.options.logger.info(
        {
          approvalId: input.approvalId,
          reviewer: input.reviewerName,
          channel: input.channel,
          vote: input.vote,
        },
        result.decided ? `approval ${result.request.status}` : "approval vote recorded",
      );
      await this.announce(result.request.id, { decided: result.decided });
    }
    return result;
  }

  /** The waiting client went away: nobody will collect a decision, so stop asking. */
  async cancel(approvalId: string, reason: string): Promise<void> {
    const result = await this.options.store.cancel(approvalId, reason);
    if (result.kind === "applied") await this.announce(approvalId, { decided: true });
  }

  /**
   * Claims the right to hand the final answer to the agent. Only one caller ever wins, so
   * an approved call is executed once even if the held call and a retry race.
   */
  claimDelivery(approvalId: string): Promise<ApprovalRequest | undefined> {
    return this.options.store.claimDelivery(approvalId);
  }

  async recordExecution(approvalId: string, outcome: "ok" | "error"): Promise<void> {
    await this.options.store.recordExecutionOutcome(approvalId, outcome);
    await this.scheduleUpdate(approvalId);
  }

  /** Runs one job of the approvals queue (on whichever replica's worker took it). */
  async runJob(name: ApprovalJobName, approvalId: string): Promise<void> {
    if (name === "expire") {
      // Also runs for a request withdrawn after its add timed out: then it changes nothing.
      await this.applyTimeout(approvalId);
      return;
    }
    const notifier = this.options.notifier;
    if (!notifier) return;
    const request = await this.options.store.get(approvalId);
    if (!request) return;
    if (name === "post") {
      // Only a pending request needs people. A post added late (its add timed out in a Redis
      // stall, so the request was withdrawn) or run after a decision would show one nobody
      // can act on.
      if (request.slackMessageTs || request.status !== "pending") return;
      const posted = await notifier.postRequest(request);
      if (!posted) return;
      await this.options.store.setSlackMessage(approvalId, posted.channel, posted.ts);
      // Decided while the post was in flight: the update job found no message to edit.
      const latest = await this.options.store.get(approvalId);
      if (latest && latest.status !== "pending") await notifier.updateRequest(latest);
      return;
    }
    if (request.slackMessageTs) await notifier.updateRequest(request);
  }

  /** Applies the request's `on_timeout` if it is still pending, and announces it. */
  private async applyTimeout(approvalId: string): Promise<ApprovalTransition> {
    const result = await this.options.store.expire(approvalId);
    if (result.kind === "applied") {
      this.options.logger.info({ approvalId, status: result.request.status }, "approval timed out");
      await this.announce(approvalId, { decided: true, fromExpiry: true });
    }
    return result;
  }

  private async announce(
    approvalId: string,
    change: { decided: boolean; fromExpiry?: boolean },
  ): Promise<void> {
    if (change.decided) {
      await this.options.waiter.publish(approvalId).catch((error: unknown) => {
        // Waiters re-check Postgres on their own timer; this only costs latency.
        this.options.logger.warn({ approvalId, err: describeError(error) }, "approval wake-up not published");
      });
      if (!change.fromExpiry) await this.options.jobs.cancelExpiry(approvalId);
    }
    await this.scheduleUpdate(approvalId);
  }

  private async scheduleUpdate(approvalId: string): Promise<void> {
    if (!this.options.notifier) return;
    await this.options.jobs.scheduleUpdate(approvalId).catch((error: unknown) => {
      this.options.logger.warn(
        { approvalId, err: describeError(error) },
        "approval message update not scheduled",
      );
    });
  }
}
