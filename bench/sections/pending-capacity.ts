import type { TargetContext } from "../support/allow-targets.js";
import { startOperator } from "../support/bulk-approve.js";
import { agentToken, gatewayMcpUrl } from "../support/gateway.js";
import { HeldCalls, type HeldOutcomes } from "../support/held-calls.js";
import { loopDelayBetween, type LoopDelay } from "../support/loop-delay-log.js";
import { approveEveryPending, countPendingRows, startPendingRig } from "../support/pending-rig.js";
import { PendingTimeline } from "../support/pending-timeline.js";
import { closeSessions, openHttpSessions } from "../support/sessions.js";

export interface PendingPlan {
  readonly sessions: number;
  readonly callsPerSession: number;
  /** How long all calls are held once they are pending, while memory and loop delay are sampled. */
  readonly holdMs: number;
  readonly rampLimitMs: number;
  readonly releaseLimitMs: number;
  /** Operator votes in flight at once. */
  readonly approveParallel: number;
}

export interface PendingResult {
  readonly plan: PendingPlan;
  readonly target: number;
  /** Approval requests pending at once after the ramp. */
  readonly reachedPending: number;
  /** The most seen pending at a moment when the gateway's RSS was within the limit. */
  readonly largestWithinLimit: number;
  readonly rssLimitMb: number;
  readonly rampMs: number;
  readonly rssMb: {
    readonly sessionsOpen: number | null;
    readonly holdMax: number | null;
    readonly releaseMax: number | null;
    /** (highest RSS while holding - RSS with the sessions open) / pending, in KB. */
    readonly perPendingKb: number | null;
  };
  readonly loopDelayMs: {
    idle: LoopDelay | null;
    ramp: LoopDelay | null;
    hold: LoopDelay | null;
    release: LoopDelay | null;
  };
  readonly approve: {
    readonly votes: number;
    readonly notRecorded: number;
    readonly firstProblem: string | null;
    readonly decideMs: number;
    /** From the first vote until the last held call returned to its agent. */
    readonly allReturnedMs: number | null;
  };
  readonly calls: HeldOutcomes;
  /** Every call pending at once, all returned with their upstream result, and the RSS within the limit. */
  readonly fits: boolean;
}

const rssLimitMb = 512;
/** Calls fired after the ramp may still be registering: they get this long to show up. */
const registrationGraceMs = 10_000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Section 3: many sessions each hold many calls for approval on ONE gateway process; its RSS
 * (from /proc) and event-loop delay (from a preloaded probe) are sampled while they are
 * held, then an operator approves them all through ApprovalService.decide in parallel.
 */
export async function measurePendingCapacity(
  context: TargetContext,
  plan: PendingPlan,
): Promise<PendingResult> {
  const { teardown } = context;
  const rig = await startPendingRig(context);
  const countPending = (): Promise<number> => countPendingRows(rig.watcher);
  const timeline = new PendingTimeline(rig.gateway.pid, countPending, 500);
  teardown.defer("pending timeline", () => timeline.stop());

  const sessions = await openHttpSessions(gatewayMcpUrl(rig.gateway.url), plan.sessions, agentToken);
  teardown.defer("held sessions", () => closeSessions(sessions));
  const idleStart = Date.now();
  await sleep(2_000);
  const sessionsOpen = (await timeline.sample())?.rssMb ?? null;

  const calls = new HeldCalls();
  const rampStart = Date.now();
  // A gateway with 10 database connections and a 5 s wait for one: more opens in flight than
  // it stores in a few seconds would be refused for the pool, not for lack of memory.
  const ramp = { perSession: plan.callsPerSession, waveSize: 50, maxUnregistered: 100 };
  await calls.ramp(sessions, { ...ramp, countPending, deadline: rampStart + plan.rampLimitMs });
  const graceEnd = Date.now() + registrationGraceMs;
  while ((await countPending()) < calls.outcomes.fired - calls.outcomes.returned && Date.now() < graceEnd)
    await sleep(100);
  const rampEnd = Date.now();
  const reachedPending = await countPending();

  await sleep(plan.holdMs);
  const holdEnd = Date.now();
  await timeline.sample();

  const operator = await startOperator(teardown, {
    ...{ databaseUrl: rig.databaseUrl, redisUrl: context.redisUrl, keyPrefix: rig.keyPrefix },
    connections: plan.approveParallel,
  });
  const releaseStart = Date.now();
  const approved = await approveEveryPending(operator, rig.watcher, plan.approveParallel);
  const decideMs = Date.now() - releaseStart;
  await Promise.race([
    calls.allReturned(),
    sleep(Math.max(0, releaseStart + plan.releaseLimitMs - Date.now())),
  ]);
  const releaseEnd = Date.now();
  const outcomes = calls.outcomes;
  const allReturned = outcomes.returned === outcomes.fired;

  const rssOf = (from: number, to: number): number | null => {
    const values = timeline.between(from, to).map((sample) => sample.rssMb);
    return values.length === 0 ? null : Math.max(...values);
  };
  const holdMax = rssOf(rampEnd, holdEnd);
  const target = plan.sessions * plan.callsPerSession;
  return {
    ...{ plan, target, reachedPending, largestWithinLimit: timeline.largestWithin(rssLimitMb), rssLimitMb },
    rampMs: rampEnd - rampStart,
    rssMb: {
      sessionsOpen,
      holdMax,
      releaseMax: rssOf(releaseStart, releaseEnd),
      perPendingKb:
        holdMax === null || sessionsOpen === null || reachedPending === 0
          ? null
          : Math.round(((holdMax - sessionsOpen) * 1024 * 10) / reachedPending) / 10,
    },
    loopDelayMs: {
      idle: loopDelayBetween(rig.loopLog, idleStart, rampStart),
      ramp: loopDelayBetween(rig.loopLog, rampStart, rampEnd),
      hold: loopDelayBetween(rig.loopLog, rampEnd, holdEnd),
      release: loopDelayBetween(rig.loopLog, releaseStart, releaseEnd),
    },
    approve: {
      ...approved,
      decideMs,
      allReturnedMs: allReturned ? (outcomes.lastReturnedAt ?? releaseEnd) - releaseStart : null,
    },
    calls: outcomes,
    fits: reachedPending === target && outcomes.ok === target && holdMax !== null && holdMax <= rssLimitMb,
  };
}
