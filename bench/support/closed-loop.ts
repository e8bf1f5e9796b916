import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { mixedCall, type CallKind } from "./call-mix.js";

/** What one closed-loop run of the call mix saw. */
export interface LoopRun {
  readonly sessions: number;
  /** Calls answered without error. */
  readonly calls: number;
  /** Calls that threw or answered `isError` (their latency is not in the samples). */
  readonly errors: number;
  readonly firstError: string | undefined;
  readonly elapsedMs: number;
  /** Milliseconds per answered call, by kind. */
  readonly latencies: Readonly<Record<CallKind, number[]>>;
}

/**
 * Every session issues its next call when the previous one returns, until `durationMs` has
 * passed; throughput is the answered calls over the time until the last call returned.
 */
export async function runClosedLoop(sessions: readonly Client[], durationMs: number): Promise<LoopRun> {
  const latencies: Record<CallKind, number[]> = { small: [], large: [] };
  const failures: string[] = [];
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    sessions.map(async (session, sessionIndex) => {
      for (let index = 0; performance.now() < deadline; index += 1) {
        const call = mixedCall(sessionIndex, index);
        const callStarted = performance.now();
        const failure = await callOnce(session, call.name, call.arguments);
        if (failure === undefined) latencies[call.kind].push(performance.now() - callStarted);
        else failures.push(failure);
      }
    }),
  );
  return {
    sessions: sessions.length,
    calls: latencies.small.length + latencies.large.length,
    errors: failures.length,
    firstError: failures[0],
    elapsedMs: performance.now() - started,
    latencies,
  };
}

/** Undefined when the call succeeded, otherwise why it failed. */
async function callOnce(
  session: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<string | undefined> {
  try {
    const result = await session.callTool({ name, arguments: args });
    return result.isError ? `${name}: ${JSON.stringify(result.content).slice(0, 300)}` : undefined;
  } catch (error) {
    return `${name}: ${error instanceof Error ? error.message : String(error)}`;
  }
}
