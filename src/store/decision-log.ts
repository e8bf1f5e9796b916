import { describeError, ErrorCode, GatewayError } from "../errors.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { appendToDecisionChain } from "./chained-insert.js";
import { toDecisionRow, type DecisionRecord, type DecisionRow } from "./decision-row.js";

export type { DecisionRecord };

export interface DecisionLogOptions {
  prisma: PrismaClient;
  redact: (value: unknown) => unknown;
  /** Unwritten records at which the log stops accepting (default 10,000). */
  maxBacklog?: number;
  /** Rows per INSERT (default 500). */
  batchSize?: number;
  /** How long a record may wait for companions before it is written (default 20 ms). */
  flushIntervalMs?: number;
  /** Longest wait between retries of a failed write (default 5,000 ms). */
  maxRetryDelayMs?: number;
  /** Told about every failed write; the rows are kept and retried. */
  onError?: (error: unknown) => void;
}

interface PendingRow {
  readonly sequence: number;
  readonly row: DecisionRow;
}

const firstRetryDelayMs = 100;

/**
 * The write side of the decision log. `record` only redacts and enqueues, so the call path
 * never waits on Postgres; rows are written in order, in batches, by one writer at a time.
 * Each batch is appended to the tamper-evident chain in one transaction under the chain
 * lock, so replicas writing at once still form one linear chain (see audit/chain.ts).
 * A failed batch is retried with capped backoff until it is written (inserts skip ids that
 * already exist, so a retry after an unseen success duplicates nothing). When the backlog
 * is full the log refuses records, and the gateway refuses calls it cannot record.
 */
export class DecisionLog {
  readonly #prisma: PrismaClient;
  readonly #redact: (value: unknown) => unknown;
  readonly #maxBacklog: number;
  readonly #batchSize: number;
  readonly #flushIntervalMs: number;
  readonly #maxRetryDelayMs: number;
  readonly #onError: (error: unknown) => void;

  readonly #queue: PendingRow[] = [];
  #lastSequence = 0;
  #writtenSequence = 0;
  #writing: Promise<boolean> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerDueAt = 0;
  #consecutiveFailures = 0;
  #lastError: unknown;
  #closed = false;

  constructor(options: DecisionLogOptions) {
    this.#prisma = options.prisma;
    this.#redact = options.redact;
    this.#maxBacklog = options.maxBacklog ?? 10_000;
    this.#batchSize = options.batchSize ?? 500;
    this.#flushIntervalMs = options.flushIntervalMs ?? 20;
    this.#maxRetryDelayMs = options.maxRetryDelayMs ?? 5_000;
    this.#onError = options.onError ?? (() => undefined);
  }

  /** Redacts and enqueues a record; throws `AuditBacklogFull` when the backlog is full. */
  record(entry: DecisionRecord): void {
    if (this.#closed) throw new GatewayError(ErrorCode.Internal, "the decision log is closed");
    if (!this.accepting) {
      throw new GatewayError(
        ErrorCode.AuditBacklogFull,
        `${this.#queue.length} decisions are waiting to be written to the database; no more are accepted`,
      );
    }
    const row = toDecisionRow(entry, this.#redact);
    this.#lastSequence += 1;
    this.#queue.push({ sequence: this.#lastSequence, row });
    this.#schedule(this.#queue.length >= this.#batchSize ? 0 : this.#flushIntervalMs);
  }

  /** False while the backlog is full (and after close): callers must refuse calls then. */
  get accepting(): boolean {
    return !this.#closed && this.#queue.length < this.#maxBacklog;
  }

  /** Records not yet written. */
  get backlog(): number {
    return this.#queue.length;
  }

  /**
   * Writes everything recorded so far; throws `DatabaseUnavailable` when a write fails
   * (the rows stay queued and are retried in the background).
   */
  async flush(): Promise<void> {
    const target = this.#lastSequence;
    while (this.#writtenSequence < target && this.#queue.length > 0) {
      if (!(await this.#writeNext())) {
        throw new GatewayError(
          ErrorCode.DatabaseUnavailable,
          `cannot write the decision log (${this.#queue.length} decisions waiting): ${describeError(this.#lastError)}`,
          { cause: this.#lastError },
        );
      }
    }
  }

  /**
   * Stops accepting records, writes what is queued and stops the timers. Throws like
   * `flush` if the database is unavailable; the unwritten rows are then lost with the process.
   */
  async close(): Promise<void> {
    this.#closed = true;
    try {
      await this.flush();
    } finally {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  #writeNext(): Promise<boolean> {
    this.#writing ??= this.#writeBatch().then((written) => {
      this.#writing = undefined;
      // Under steady traffic, writing again at once would send batches of one or two rows,
      // each paying a whole transaction; waiting the flush interval lets companions gather.
      if (written) this.#schedule(this.#queue.length >= this.#batchSize ? 0 : this.#flushIntervalMs);
      else this.#scheduleRetry();
      return written;
    });
    return this.#writing;
  }

  async #writeBatch(): Promise<boolean> {
    const batch = this.#queue.slice(0, this.#batchSize);
    const last = batch.at(-1);
    if (last === undefined) return true;
    const rows = batch.map((pending) => pending.row);
    try {
      await appendToDecisionChain(this.#prisma, rows);
    } catch (error) {
      this.#consecutiveFailures += 1;
      this.#lastError = error;
      this.#report(error);
      return false;
    }
    this.#queue.splice(0, batch.length);
    this.#writtenSequence = last.sequence;
    this.#consecutiveFailures = 0;
    return true;
  }

  /** Arms the write timer unless a write is running, a retry is waiting, or it is armed sooner. */
  #schedule(delayMs: number): void {
    // Once closed, `close()` itself drives the remaining writes.
    if (this.#closed || this.#queue.length === 0 || this.#writing) return;
    if (
      this.#timer !== undefined &&
      (this.#consecutiveFailures > 0 || this.#timerDueAt <= Date.now() + delayMs)
    ) {
      return;
    }
    this.#arm(delayMs);
  }

  #scheduleRetry(): void {
    if (this.#closed) return;
    const delayMs = Math.min(this.#maxRetryDelayMs, firstRetryDelayMs * 2 ** (this.#consecutiveFailures - 1));
    this.#arm(delayMs);
  }

  #arm(delayMs: number): void {
    clearTimeout(this.#timer);
    this.#timerDueAt = Date.now() + delayMs;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#writeNext();
    }, delayMs);
    // Shutdown is `close()`'s job; a pending write must not keep the process alive by itself.
    this.#timer.unref();
  }

  #report(error: unknown): void {
    try {
      this.#onError(error);
    } catch {
      // A failing error reporter must not stop the writer.
    }
  }
}
