import type { Client } from "@modelcontextprotocol/sdk/client/index.js";

/** Every call of one burst, classified by how it came back. */
export interface BurstRun {
  readonly wallMs: number;
  /** Latency (ms) of the calls forwarded to the upstream. */
  readonly passed: number[];
  /** Latency of the calls refused by a rate limit. */
  readonly limited: number[];
  readonly otherErrors: number;
  readonly firstOtherError: string | undefined;
}

const call = { name: "describe_endpoint", arguments: { endpoint_name: "ep-alpha" } };

/** Fires `perSession` calls on every session at the same moment and waits for all of them. */
export async function fireBurst(sessions: readonly Client[], perSession: number): Promise<BurstRun> {
  const passed: number[] = [];
  const limited: number[] = [];
  const others: string[] = [];
  const started = performance.now();
  await Promise.all(
    sessions.flatMap((session) =>
      Array.from({ length: perSession }, async () => {
        const callStarted = performance.now();
        try {
          const result = await session.callTool(call);
          const elapsed = performance.now() - callStarted;
          const text = JSON.stringify(result.content);
          if (!result.isError) passed.push(elapsed);
          else if (text.includes("Rate limited")) limited.push(elapsed);
          else others.push(text.slice(0, 300));
        } catch (error) {
          others.push(error instanceof Error ? error.message : String(error));
        }
      }),
    ),
  );
  return {
    wallMs: performance.now() - started,
    passed,
    limited,
    otherErrors: others.length,
    firstOtherError: others[0],
  };
}

/** `count` calls one after another on each session, alternating between them; latency per session. */
export async function alternateSequentially(sessions: readonly Client[], count: number): Promise<number[][]> {
  const latencies = sessions.map((): number[] => []);
  for (let i = 0; i < count; i += 1) {
    for (const [index, session] of sessions.entries()) {
      const started = performance.now();
      const result = await session.callTool(call);
      if (result.isError) throw new Error(`sequential call failed: ${JSON.stringify(result.content)}`);
      latencies[index]?.push(performance.now() - started);
    }
  }
  return latencies;
}
