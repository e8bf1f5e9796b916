import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { describeError } from "../errors.js";
import { withRedisDeadline } from "../redis/deadline.js";
import type { ApprovalRequest } from "./types.js";

export interface DecisionWaiterOptions {
  /** A connection of its own: a subscribed ioredis connection can issue no other commands. */
  readonly subscriber: Redis;
  readonly publisher: Redis;
  readonly channel: string;
  /** Reads the request's current state from the source of truth. */
  readonly load: (approvalId: string) => Promise<ApprovalRequest | undefined>;
  /**
   * Of these ids, the ones that may have changed for their waiters: decided, or past their
   * expiry. One query for every call this replica holds, however many.
   */
  readonly findSettled: (approvalIds: readonly string[]) => Promise<string[]>;
  /** How often this replica re-reads Postgres in case a wake-up message was lost. */
  readonly recheckMs: number;
  readonly logger: Logger;
}

export interface WaitOptions {
  readonly holdMs: number;
  readonly signal: AbortSignal;
  /** Called every `progressEveryMs` while waiting, so clients that reset timeouts on progress keep waiting. */
  readonly onProgress?: (elapsedMs: number) => void;
  readonly progressEveryMs: number;
}

/** How a wait ended: a decision, the hold running out, or the caller giving up. */
export type WaitOutcome =
  | { readonly kind: "decided"; readonly request: ApprovalRequest }
  | { readonly kind: "hold_elapsed" }
  | { readonly kind: "aborted" };

interface Waiter {
  settle(outcome: WaitOutcome): void;
}

// Postgres takes any number of ids in one array parameter; chunks keep each query short.
const idsPerRecheck = 1_000;

/**
 * Wakes held calls when their approval is decided, on any replica: a decision is published
 * on a Redis channel and every replica re-reads the request from Postgres. Pub/sub is
 * at-most-once (a message sent while a subscriber reconnects is gone), so the replica also
 * re-checks every held request on a slow timer, in one query for all of them (a query per
 * held call would be thousands a second at ten thousand held calls); a lost message costs
 * latency, never a stranded call.
 */
export class DecisionWaiter {
  private readonly waiters = new Map<string, Set<Waiter>>();
  private recheckTimer: NodeJS.Timeout | undefined;
  private rechecking = false;

  constructor(private readonly options: DecisionWaiterOptions) {}

  async start(): Promise<void> {
    this.options.subscriber.on("message", (channel: string, approvalId: string) => {
      if (channel === this.options.channel) void this.check(approvalId);
    });
    await this.options.subscriber.subscribe(this.options.channel);
  }

  /**
   * Tells every replica that this approval was decided (or cancelled, or executed). Bounded by
   * the Redis deadline: the CLI's publisher is a connection that would wait out an outage.
   */
  async publish(approvalId: string): Promise<void> {
    const { publisher, channel } = this.options;
    await withRedisDeadline(publisher, "publish the approval's wake-up", () =>
      publisher.publish(channel, approvalId),
    );
  }

  get waiting(): number {
    let count = 0;
    for (const set of this.waiters.values()) count += set.size;
    return count;
  }

  wait(approvalId: string, options: WaitOptions): Promise<WaitOutcome> {
    return new Promise((resolve) => {
      if (options.signal.aborted) return resolve({ kind: "aborted" });
      const startedAt = Date.now();
      const timers: NodeJS.Timeout[] = [];
      const waiter: Waiter = {
        settle: (outcome) => {
          for (const timer of timers) clearTimeout(timer);
          options.signal.removeEventListener("abort", onAbort);
          this.remove(approvalId, waiter);
          resolve(outcome);
        },
      };
      const onAbort = (): void => waiter.settle({ kind: "aborted" });
      options.signal.addEventListener("abort", onAbort, { once: true });
      this.add(approvalId, waiter);
      timers.push(setTimeout(() => waiter.settle({ kind: "hold_elapsed" }), options.holdMs));
      if (options.onProgress) {
        const onProgress = options.onProgress;
        timers.push(setInterval(() => onProgress(Date.now() - startedAt), options.progressEveryMs));
      }
      // A decision made before this waiter registered would never be announced again.
      void this.check(approvalId);
    });
  }

  async close(): Promise<void> {
    for (const set of this.waiters.values()) for (const waiter of set) waiter.settle({ kind: "aborted" });
    this.stopRechecks();
    await this.options.subscriber.quit().catch(() => undefined);
  }

  private add(approvalId: string, waiter: Waiter): void {
    const set = this.waiters.get(approvalId) ?? new Set();
    set.add(waiter);
    this.waiters.set(approvalId, set);
    this.recheckTimer ??= setInterval(() => void this.recheckAll(), this.options.recheckMs);
  }

  private remove(approvalId: string, waiter: Waiter): void {
    const set = this.waiters.get(approvalId);
    set?.delete(waiter);
    if (set?.size === 0) this.waiters.delete(approvalId);
    if (this.waiters.size === 0) this.stopRechecks();
  }

  private stopRechecks(): void {
    clearInterval(this.recheckTimer);
    this.recheckTimer = undefined;
  }

  /** The slow path: finds every held request that changed without a wake-up reaching us. */
  private async recheckAll(): Promise<void> {
    // A slow database must not pile one sweep on another.
    if (this.rechecking) return;
    this.rechecking = true;
    try {
      const ids = [...this.waiters.keys()];
      for (let start = 0; start < ids.length; start += idsPerRecheck) {
        const settled = await this.options.findSettled(ids.slice(start, start + idsPerRecheck));
        await Promise.all(settled.map((approvalId) => this.check(approvalId)));
      }
    } catch (error) {
      this.options.logger.warn({ err: describeError(error) }, "approval re-check failed");
    } finally {
      this.rechecking = false;
    }
  }

  private async check(approvalId: string): Promise<void> {
    if (!this.waiters.has(approvalId)) return;
    try {
      const request = await this.options.load(approvalId);
      if (!request || request.status === "pending") return;
      for (const waiter of [...(this.waiters.get(approvalId) ?? [])])
        waiter.settle({ kind: "decided", request });
    } catch (error) {
      this.options.logger.warn({ approvalId, err: describeError(error) }, "approval re-check failed");
    }
  }
}
