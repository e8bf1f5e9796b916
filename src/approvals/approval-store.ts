import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import {
  clampLimit,
  defaultListLimit,
  reusableWhere,
  type ApprovalListFilter,
  type ReusableApprovalQuery,
} from "./approval-queries.js";
import {
  isUuid,
  optionalStorableText,
  storableText,
  toApprovalRequest,
  toNewApprovalRow,
  withVotes,
  type NewApprovalRequest,
} from "./approval-row.js";
import { meansDatabaseUnavailable, toApprovalStoreError } from "./approval-store-errors.js";
import {
  applyVerdict,
  findRequest,
  insertVote,
  withLockedRequest,
  type LockedChange,
  type LockedClock,
} from "./approval-transactions.js";
import { KeyedQueue } from "./keyed-queue.js";
import type { ApprovalRequest, VoteInput, VoteResult } from "./types.js";
import { checkVote, normalizedReason, timeoutVerdict, verdictAfterVote, type Verdict } from "./vote-rules.js";

export type { ApprovalListFilter, NewApprovalRequest, ReusableApprovalQuery };

/** What `expire` and `cancel` did. */
export type ApprovalTransition =
  | { readonly kind: "applied"; readonly request: ApprovalRequest }
  | { readonly kind: "not_pending"; readonly request: ApprovalRequest }
  | { readonly kind: "not_found" };

export interface ApprovalStoreOptions {
  /**
   * Stamps votes and decisions, read once the request's row lock is held. By default the
   * database's clock, which every replica shares; tests set a clock of their own.
   */
  readonly clock?: () => Date;
}

/**
 * Approval requests in Postgres, the source of truth shared by every replica. Every change
 * to a request happens under its row lock, so concurrent votes, expiry and cancellation are
 * serialised and a request is decided once; delivery is claimed by one conditional UPDATE,
 * so exactly one caller ever hands the answer to the agent.
 *
 * Within one store (one per process), changes to the same request also wait their turn
 * before they take a pooled connection: otherwise a burst of clicks on one request would
 * hold every connection of the pool while queueing on its lock, and other work waiting for
 * a connection would time out as if the database were down.
 */
export class ApprovalStore {
  readonly #prisma: PrismaClient;
  readonly #clock: LockedClock;
  readonly #changes = new KeyedQueue(meansDatabaseUnavailable);

  constructor(prisma: PrismaClient, options: ApprovalStoreOptions = {}) {
    this.#prisma = prisma;
    this.#clock = options.clock;
  }

  /** Persists a new pending request. */
  create(input: NewApprovalRequest): Promise<ApprovalRequest> {
    return this.#run("create the approval request", async () => {
      const data = toNewApprovalRow(input);
      return toApprovalRequest(await this.#prisma.approvalRequest.create({ data, include: withVotes }));
    });
  }

  /** The request with its votes in the order cast; undefined when unknown or not a UUID. */
  get(id: string): Promise<ApprovalRequest | undefined> {
    if (!isUuid(id)) return Promise.resolve(undefined);
    return this.#run("read the approval request", () => findRequest(this.#prisma, id));
  }

  /** Records a vote, deciding the request when it is the deciding one (see `checkVote`). */
  vote(input: VoteInput): Promise<VoteResult> {
    const cast = storableVote(input);
    return this.#locked(cast.approvalId, "record the vote", async (tx, request, now): Promise<VoteResult> => {
      const check = checkVote(request, cast, now);
      if (check.kind === "expire") {
        const expired = await applyVerdict(tx, request.id, timeoutVerdict(request), now);
        return { kind: "already_decided", request: expired };
      }
      if (check.kind !== "record") return { kind: check.kind, request };
      await insertVote(tx, cast, now);
      const verdict = verdictAfterVote(request, cast);
      const updated = verdict
        ? await applyVerdict(tx, request.id, verdict, now)
        : await findRequest(tx, request.id);
      return { kind: "recorded", request: updated ?? request, decided: verdict !== undefined };
    });
  }

  /** Applies the request's `on_timeout` if it is still pending (the expiry job's work). */
  expire(id: string): Promise<ApprovalTransition> {
    return this.#settle(id, "expire the approval request", timeoutVerdict);
  }

  /** Marks a pending request cancelled: the call waiting for it went away. */
  cancel(id: string, reason: string): Promise<ApprovalTransition> {
    const verdict: Verdict = { status: "cancelled", decidedBy: null, decisionReason: storableText(reason) };
    return this.#settle(id, "cancel the approval request", () => verdict);
  }

  /**
   * Claims the right to hand a decided request's answer to the agent. Returns the request
   * to exactly one caller, ever; undefined to everyone else and while it is undecided.
   */
  claimDelivery(id: string): Promise<ApprovalRequest | undefined> {
    if (!isUuid(id)) return Promise.resolve(undefined);
    return this.#run("claim the approval's delivery", async () => {
      const claimed = await this.#prisma.$queryRaw<{ id: string }[]>`
        UPDATE approval_requests SET delivered_at = now()
         WHERE id = ${id}::uuid
           AND status IN ('approved', 'denied', 'expired')
           AND delivered_at IS NULL
        RETURNING id`;
      return claimed.length === 0 ? undefined : findRequest(this.#prisma, id);
    });
  }

  /** Records how the upstream call made after approval ended; undefined when unknown. */
  recordExecutionOutcome(id: string, outcome: "ok" | "error"): Promise<ApprovalRequest | undefined> {
    if (!isUuid(id)) return Promise.resolve(undefined);
    return this.#run("record the approval's execution outcome", async () => {
      const data = { executionOutcome: outcome };
      const { count } = await this.#prisma.approvalRequest.updateMany({ where: { id }, data });
      return count === 0 ? undefined : findRequest(this.#prisma, id);
    });
  }

  /**
   * Of `ids`, those no longer pending or past their expiry: the requests whose held calls
   * must look again. Ids that are not UUIDs or not stored are left out.
   */
  findSettled(ids: readonly string[]): Promise<string[]> {
    const uuids = ids.filter(isUuid);
    if (uuids.length === 0) return Promise.resolve([]);
    return this.#run("re-check approval requests", async () => {
      const rows = await this.#prisma.$queryRaw<{ id: string }[]>`
        SELECT id::text AS id FROM approval_requests
         WHERE id = ANY(${uuids}::uuid[]) AND (status <> 'pending' OR expires_at <= now())`;
      return rows.map((row) => row.id);
    });
  }

  /** The agent's newest request for the very same call that a retry should attach to. */
  findReusable(query: ReusableApprovalQuery): Promise<ApprovalRequest | undefined> {
    return this.#run("look up a reusable approval request", async () => {
      const row = await this.#prisma.approvalRequest.findFirst({
        where: reusableWhere(query),
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        include: withVotes,
      });
      return row ? toApprovalRequest(row) : undefined;
    });
  }

  /** Pending requests, oldest first. */
  listPending(limit: number = defaultListLimit): Promise<ApprovalRequest[]> {
    return this.#list({ status: "pending" }, "asc", limit);
  }

  /** Requests, newest first, optionally of one status. */
  list(filter: ApprovalListFilter = {}): Promise<ApprovalRequest[]> {
    const where = filter.status ? { status: filter.status } : {};
    return this.#list(where, "desc", filter.limit ?? defaultListLimit);
  }

  /** Ids of pending requests whose expiry time has passed, soonest due first. */
  overdueIds(now: Date, limit: number): Promise<string[]> {
    return this.#pendingIds({ expiresAt: { lte: now } }, "find overdue approval requests", limit);
  }

  /** Ids of pending requests created before `createdBefore` that have no Slack message. */
  unpostedIds(createdBefore: Date, limit: number): Promise<string[]> {
    const where = { slackMessageTs: null, createdAt: { lte: createdBefore } };
    return this.#pendingIds(where, "find unposted approval requests", limit);
  }

  /** Remembers where the request's Slack message was posted, so it can be edited later. */
  setSlackMessage(id: string, channel: string, ts: string): Promise<void> {
    if (!isUuid(id)) return Promise.resolve();
    return this.#run("record the approval's Slack message", async () => {
      const data = {
        slackChannel: storableText(channel),
        slackMessageTs: storableText(ts),
        slackPostedAt: new Date(),
      };
      await this.#prisma.approvalRequest.updateMany({ where: { id }, data });
    });
  }

  #list(
    where: Prisma.ApprovalRequestWhereInput,
    order: "asc" | "desc",
    limit: number,
  ): Promise<ApprovalRequest[]> {
    return this.#run("list approval requests", async () => {
      const rows = await this.#prisma.approvalRequest.findMany({
        where,
        orderBy: [{ createdAt: order }, { id: order }],
        take: clampLimit(limit),
        include: withVotes,
      });
      return rows.map(toApprovalRequest);
    });
  }

  // Ordered by expiry so that both queries walk the (status, expires_at) index over the
  // pending requests alone, however many decided ones the table holds.
  #pendingIds(where: Prisma.ApprovalRequestWhereInput, action: string, limit: number): Promise<string[]> {
    return this.#run(action, async () => {
      const rows = await this.#prisma.approvalRequest.findMany({
        where: { ...where, status: "pending" },
        orderBy: { expiresAt: "asc" },
        take: clampLimit(limit),
        select: { id: true },
      });
      return rows.map((row) => row.id);
    });
  }

  /** Gives a pending request its final status under the row lock; reports what it found. */
  #settle(
    id: string,
    action: string,
    verdict: (request: ApprovalRequest) => Verdict,
  ): Promise<ApprovalTransition> {
    return this.#locked(id, action, async (tx, request, now): Promise<ApprovalTransition> => {
      if (request.status !== "pending") return { kind: "not_pending", request };
      return { kind: "applied", request: await applyVerdict(tx, request.id, verdict(request), now) };
    });
  }

  #locked<T>(id: string, action: string, change: LockedChange<T>): Promise<T | { kind: "not_found" }> {
    if (!isUuid(id)) return Promise.resolve({ kind: "not_found" });
    // Queued by lower-case id: Postgres reads a UUID in either case as the same request.
    const key = id.toLowerCase();
    return this.#run(action, () =>
      this.#changes.run(key, () => withLockedRequest(this.#prisma, id, change, this.#clock)),
    );
  }

  async #run<T>(action: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw toApprovalStoreError(error, action);
    }
  }
}

/** The vote as it is checked and stored: storable text, reason trimmed (blank is none). */
function storableVote(input: VoteInput): VoteInput {
  return {
    ...input,
    reviewerId: storableText(input.reviewerId),
    reviewerName: storableText(input.reviewerName),
    reason: optionalStorableText(normalizedReason(input.reason)),
  };
}
