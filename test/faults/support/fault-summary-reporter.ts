import type { Reporter } from "vitest/node";
import { figureLinePrefix } from "./fault-helpers.js";

type UserConsoleLog = Parameters<NonNullable<Reporter["onUserConsoleLog"]>>[0];

/**
 * Collects the figure lines the fault scenarios print and repeats them together at the end
 * of the run. Listed before the default reporter, so vitest's own summary still comes last.
 */
export class FaultSummaryReporter implements Reporter {
  readonly #lines: string[] = [];

  onUserConsoleLog(log: UserConsoleLog): void {
    for (const line of log.content.split("\n")) {
      if (line.startsWith(figureLinePrefix)) this.#lines.push(line);
    }
  }

  onTestRunEnd(): void {
    if (this.#lines.length === 0) return;
    const sorted = [...this.#lines].sort();
    process.stdout.write(`\nFault suite figures\n${sorted.map((line) => `  ${line}`).join("\n")}\n`);
  }
}
