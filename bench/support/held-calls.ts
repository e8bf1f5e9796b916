import type { Client } from "@modelcontextprotocol/sdk/client/index.js";

/** What became of the calls held for approval, so far. */
export interface HeldOutcomes {
  readonly fired: number;
  readonly returned: number;
  /** Returned with the upstream's result: approved and executed. */
  readonly ok: number;
  /** Returned `isError` (refused, pending, unavailable…). */
  readonly refused: number;
  /** Threw (transport error, timeout). */
  readonly failed: number;
  readonly firstProblem: string | undefined;
  readonly lastReturnedAt: number | undefined;
}

export interface RampOptions {
  readonly perSession: number;
  /** Calls fired before checking how many the gateway has registered. */
  readonly waveSize: number;
  /** Most calls fired but not yet registered as pending: keeps the ramp at the gateway's pace. */
  readonly maxUnregistered: number;
  readonly countPending: () => Promise<number>;
  readonly deadline: number;
}

/** Each held call may wait this long: far longer than the bench holds anything. */
const callTimeoutMs = 60 * 60_000;

/**
 * Fires `perSession` distinct `create_api_key` calls on every session, in waves, never more
 * than `maxUnregistered` ahead of what the gateway has stored as pending. Stops firing at
 * the deadline. Every call is tracked until it returns.
 */
export class HeldCalls {
  #fired = 0;
  #returned = 0;
  #ok = 0;
  #refused = 0;
  #failed = 0;
  #firstProblem: string | undefined;
  #lastReturnedAt: number | undefined;
  #allReturned: () => void = () => undefined;
  #finishedFiring = false;

  async ramp(sessions: readonly Client[], options: RampOptions): Promise<void> {
    const total = sessions.length * options.perSession;
    while (this.#fired < total && Date.now() < options.deadline) {
      const wave = Math.min(options.waveSize, total - this.#fired);
      for (let i = 0; i < wave; i += 1) this.#fire(sessions, this.#fired);
      while (Date.now() < options.deadline) {
        if ((await options.countPending()) >= this.#fired - options.maxUnregistered) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    this.#finishedFiring = true;
  }

  /** Resolves once every fired call has returned. */
  allReturned(): Promise<void> {
    return new Promise((resolve) => {
      this.#allReturned = resolve;
      this.#checkAllReturned();
    });
  }

  get outcomes(): HeldOutcomes {
    return {
      fired: this.#fired,
      returned: this.#returned,
      ok: this.#ok,
      refused: this.#refused,
      failed: this.#failed,
      firstProblem: this.#firstProblem,
      lastReturnedAt: this.#lastReturnedAt,
    };
  }

  #fire(sessions: readonly Client[], index: number): void {
    const session = sessions[index % sessions.length];
    if (!session) return;
    this.#fired += 1;
    const args = { name: `held-key-${index}` };
    session
      .callTool({ name: "create_api_key", arguments: args }, undefined, { timeout: callTimeoutMs })
      .then(
        (result) => {
          if (result.isError) this.#problem("refused", JSON.stringify(result.content).slice(0, 300));
          else this.#ok += 1;
        },
        (error: unknown) => this.#problem("failed", error instanceof Error ? error.message : String(error)),
      )
      .finally(() => {
        this.#returned += 1;
        this.#lastReturnedAt = Date.now();
        this.#checkAllReturned();
      });
  }

  #problem(kind: "refused" | "failed", detail: string): void {
    if (kind === "refused") this.#refused += 1;
    else this.#failed += 1;
    this.#firstProblem ??= `${kind}: ${detail}`;
  }

  #checkAllReturned(): void {
    if (this.#finishedFiring && this.#returned >= this.#fired) this.#allReturned();
  }
}
