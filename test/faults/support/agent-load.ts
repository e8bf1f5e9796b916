import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { resultText } from "../../support/gateway-harness.js";

/** One kind of call the load mixes, with the arguments of its n-th use. */
export interface CallKind {
  readonly kind: string;
  readonly tool: string;
  readonly args: (agent: number, sequence: number) => Record<string, unknown>;
}

/** One finished call of the load, with wall-clock times so it can be placed in a phase. */
export interface CallSample {
  readonly kind: string;
  readonly agent: number;
  /** The agent's n-th call, from 0. */
  readonly sequence: number;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly isError: boolean;
  readonly text: string;
  /** The client gave up or the connection failed: the call never got an answer. */
  readonly failed: boolean;
}

export interface AgentLoad {
  readonly samples: CallSample[];
  /** Stops issuing calls and waits for those in flight. */
  stop(): Promise<void>;
}

/**
 * Each agent makes its kind of call, one at a time, until stopped: a steady load whose every
 * call is sampled. Agent `i` makes `kinds[i % kinds.length]`, so a kind of call that stalls
 * cannot starve the others. `timeoutMs` bounds a call on the client side, so a call the
 * gateway never answers shows up as `failed` instead of stalling the test.
 */
export function startAgentLoad(
  agents: readonly Client[],
  kinds: readonly CallKind[],
  { timeoutMs, pauseMs = 20 }: { timeoutMs: number; pauseMs?: number },
): AgentLoad {
  const samples: CallSample[] = [];
  let running = true;
  const loop = async (client: Client, agent: number): Promise<void> => {
    const kind = kinds[agent % kinds.length] as CallKind;
    for (let sequence = 0; running; sequence += 1) {
      samples.push(await sampleCall(client, agent, kind, sequence, timeoutMs));
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  };
  const loops = agents.map((client, agent) => loop(client, agent));
  return {
    samples,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

async function sampleCall(
  client: Client,
  agent: number,
  kind: CallKind,
  sequence: number,
  timeoutMs: number,
): Promise<CallSample> {
  const startedAt = Date.now();
  try {
    const result = await client.callTool(
      { name: kind.tool, arguments: kind.args(agent, sequence) },
      undefined,
      { timeout: timeoutMs },
    );
    return {
      kind: kind.kind,
      agent,
      sequence,
      startedAt,
      endedAt: Date.now(),
      isError: result.isError === true,
      text: resultText(result),
      failed: false,
    };
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    return {
      kind: kind.kind,
      agent,
      sequence,
      startedAt,
      endedAt: Date.now(),
      isError: true,
      text,
      failed: true,
    };
  }
}
