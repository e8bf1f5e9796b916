import pg from "pg";

/** How far the decision log was behind when a run ended, and how long it took to catch up. */
export interface LogLag {
  /** Calls made whose decision row was not yet stored when the run ended. */
  readonly backlog: number;
  readonly drainMs: number;
  /** False when the rows were still not all stored after the wait limit. */
  readonly drained: boolean;
}

const pollEveryMs = 50;

/**
 * Watches a gateway's decision table from outside: the log writes in the background, so a
 * run can end with rows still queued. Waiting for them keeps that work out of the next
 * target's window, and the lag shows whether the writer keeps up with the call rate.
 */
export class DecisionBacklog {
  readonly #client: pg.Client;
  #expected = 0;

  private constructor(client: pg.Client) {
    this.#client = client;
  }

  static async open(databaseUrl: string): Promise<DecisionBacklog> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    return new DecisionBacklog(client);
  }

  /** Counts `calls` more decisions made, then waits (up to `timeoutMs`) until all are stored. */
  async settle(calls: number, timeoutMs: number): Promise<LogLag> {
    this.#expected += calls;
    const started = performance.now();
    const backlog = Math.max(0, this.#expected - (await this.stored()));
    let stored = this.#expected - backlog;
    while (stored < this.#expected && performance.now() - started < timeoutMs) {
      await new Promise((resolve) => setTimeout(resolve, pollEveryMs));
      stored = await this.stored();
    }
    return { backlog, drainMs: performance.now() - started, drained: stored >= this.#expected };
  }

  async stored(): Promise<number> {
    const { rows } = await this.#client.query<{ n: number }>("SELECT count(*)::int AS n FROM decisions");
    return rows[0]?.n ?? 0;
  }

  close(): Promise<void> {
    return this.#client.end();
  }
}
