import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { expect } from "vitest";
import { resultText } from "../../support/gateway-harness.js";
import { pollUntil } from "../../support/wait.js";

export interface HeldCalls {
  /** One promise per call; they settle once the process holding them is gone. */
  readonly calls: Promise<unknown>[];
  readonly heldInMs: number;
}

/**
 * Makes `count` calls spread over `sessions`, `waveSize` at a time, and resolves once the
 * gateway holds every one. A held call gets progress notifications (the gateway must have
 * `approvals.progress_interval` short), which start only after its request is persisted and
 * its timeout scheduled. Waves keep the burst small enough for a busy 2-core machine; a call
 * answered before it was held fails the test with that answer.
 */
export async function holdCalls(
  sessions: readonly Client[],
  count: number,
  waveSize: number,
  request: (index: number) => { name: string; arguments: Record<string, unknown> },
): Promise<HeldCalls> {
  const startedAt = Date.now();
  const held = new Set<number>();
  const answeredEarly: string[] = [];
  const calls: Promise<unknown>[] = [];
  const settle = (index: number, answer: string) => {
    if (!held.has(index)) answeredEarly.push(answer);
  };
  for (let start = 0; start < count; start += waveSize) {
    const wave = Array.from({ length: Math.min(waveSize, count - start) }, (_, offset) => start + offset);
    for (const index of wave) {
      const session = sessions[index % sessions.length] as Client;
      const options = { timeout: 600_000, onprogress: () => held.add(index) };
      calls.push(
        session.callTool(request(index), undefined, options).then(
          (result) => settle(index, resultText(result)),
          (error: unknown) => settle(index, String(error)),
        ),
      );
    }
    await pollUntil(
      () => Promise.resolve(wave.every((index) => held.has(index)) || answeredEarly.length > 0),
      (done) => done,
      { timeoutMs: 60_000 },
    );
    expect(answeredEarly, "calls answered before the gateway held them").toEqual([]);
    expect(
      wave.filter((index) => !held.has(index)),
      "calls not held within 60 s",
    ).toEqual([]);
  }
  return { calls, heldInMs: Date.now() - startedAt };
}
