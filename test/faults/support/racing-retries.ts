import { expect } from "vitest";
import { connectAgent, resultText } from "../../support/gateway-harness.js";
import { pollUntil } from "../../support/wait.js";
import { tally } from "./fault-helpers.js";

export interface RacingRetries {
  /** How many times each name's call reached the upstream according to the agents. */
  readonly executedByName: Record<string, number>;
  /** Losers told the grant was already collected. */
  readonly alreadyCollected: number;
  /** Losers that opened a new request (after the winner claimed the grant) and were abandoned. */
  readonly abandoned: number;
}

/**
 * Retries each approved call (`tool` with `{ name }`) twice at once from two sessions, as a
 * client and its duplicate would: exactly one may run. A retry that lost the race is either
 * told so, or (arriving after the winner claimed the grant) opens a new request and waits;
 * those are abandoned by closing their sessions once every name has run.
 */
export async function retryTwiceAtOnce(
  gatewayUrl: string,
  tool: string,
  names: readonly string[],
): Promise<RacingRetries> {
  const sessions = [await connectAgent(gatewayUrl, "sagemaker"), await connectAgent(gatewayUrl, "sagemaker")];
  const outcomes: { name: string; outcome: string }[] = [];
  const attempts = names.flatMap((name) =>
    sessions.map((session) =>
      session.callTool({ name: tool, arguments: { name } }, undefined, { timeout: 600_000 }).then(
        (result) => outcomes.push({ name, outcome: classifyRetry(result) }),
        () => outcomes.push({ name, outcome: "abandoned" }),
      ),
    ),
  );
  const executed = () => outcomes.filter((entry) => entry.outcome === "executed").length;
  await pollUntil(
    () => Promise.resolve(executed()),
    (count) => count >= names.length,
    { timeoutMs: 90_000 },
  );
  // Give losers that were told "already collected" time to hear it before the rest is abandoned.
  await pollUntil(
    () => Promise.resolve(outcomes.length),
    (count) => count === attempts.length,
    { timeoutMs: 3_000 },
  );
  await Promise.all(sessions.map((session) => session.close()));
  await Promise.all(attempts);
  const expected = new Set(["executed", "already collected", "abandoned"]);
  expect(outcomes.filter((entry) => !expected.has(entry.outcome))).toEqual([]);
  return {
    executedByName: tally(
      outcomes.filter((entry) => entry.outcome === "executed"),
      (entry) => entry.name,
    ),
    alreadyCollected: outcomes.filter((entry) => entry.outcome === "already collected").length,
    abandoned: outcomes.filter((entry) => entry.outcome === "abandoned").length,
  };
}

function classifyRetry(result: unknown): string {
  const text = resultText(result);
  if (!(result as { isError?: boolean }).isError && /sk-live-/.test(text)) return "executed";
  if (text.includes("already collected")) return "already collected";
  return text;
}
