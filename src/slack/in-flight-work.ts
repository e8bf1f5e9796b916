import type { Logger } from "pino";
import { describeError } from "../errors.js";

/**
 * Interaction work that runs after Slack was answered. It is awaited on shutdown, so a
 * vote being recorded is not cut off halfway, and its errors are logged here: a failing
 * handler must never take the process down, nor send a stack trace back to Slack.
 */
export class InFlightWork {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  /** Runs the work to completion; resolves even when it fails. */
  async run(label: string, work: () => Promise<void>): Promise<void> {
    const task = (async () => work())().catch((error: unknown) => {
      this.logger.error({ err: describeError(error), interaction: label }, "Slack interaction failed");
    });
    this.running.add(task);
    try {
      await task;
    } finally {
      this.running.delete(task);
    }
  }

  /** Resolves once everything started so far has finished. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
