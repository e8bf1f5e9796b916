import type { AllowPathResult } from "../sections/allow-path.js";
import type { ApprovalResumeResult } from "../sections/approval-resume.js";
import type { PendingResult } from "../sections/pending-capacity.js";
import { formatTable } from "./stats.js";

/** One performance target of issue 5 next to what the run measured. */
export interface GoalCheck {
  readonly goal: string;
  readonly measured: string;
  /** null when the section that measures it did not run. */
  readonly met: boolean | null;
}

export interface GoalInputs {
  readonly allowPath?: AllowPathResult;
  readonly approvalResume?: ApprovalResumeResult;
  readonly pendingCapacity?: PendingResult;
}

export function checkGoals(inputs: GoalInputs): GoalCheck[] {
  return [
    ...allowPathGoals(inputs.allowPath),
    resumeGoal(inputs.approvalResume),
    pendingGoal(inputs.pendingCapacity),
  ];
}

function allowPathGoals(result: AllowPathResult | undefined): GoalCheck[] {
  const comparisons = result?.comparisons ?? [];
  const single = comparisons.find((c) => c.sessions === 1);
  const throughput = comparisons.map((c) => ({
    goal: `allow-path throughput >= 60 % of direct (${c.sessions} session${c.sessions === 1 ? "" : "s"})`,
    measured: c.gatewayOverDirect === null ? "-" : `${Math.round(c.gatewayOverDirect * 100)} %`,
    met: c.gatewayOverDirect === null ? null : c.gatewayOverDirect >= 0.6,
  }));
  const peer = comparisons.map((c) => ({
    goal: `faster than the peer proxy (${c.sessions} session${c.sessions === 1 ? "" : "s"}: req/s)`,
    measured: c.gatewayOverPeer === null ? "-" : `gateway ${c.gatewayOverPeer.toFixed(2)}x supergateway`,
    met: c.gatewayOverPeer === null ? null : c.gatewayOverPeer > 1,
  }));
  const added = (key: "addedP50Ms" | "addedP99Ms", limitMs: number, label: string): GoalCheck => {
    const value = single?.[key] ?? null;
    return {
      goal: `added ${label} <= ${limitMs} ms, 1 session (gateway - direct HTTP)`,
      measured: value === null ? "-" : `${value.toFixed(2)} ms`,
      met: value === null ? null : value <= limitMs,
    };
  };
  return [...throughput, added("addedP50Ms", 0.5, "p50"), added("addedP99Ms", 3, "p99"), ...peer];
}

function resumeGoal(result: ApprovalResumeResult | undefined): GoalCheck {
  return {
    goal: "approval resume p99 <= 50 ms (click to upstream)",
    measured: result
      ? `${result.all.p99} ms over ${result.all.count} (same ${result.sameReplica.p99}, cross ${result.crossReplica.p99})`
      : "-",
    met: result ? result.all.p99 <= 50 : null,
  };
}

function pendingGoal(result: PendingResult | undefined): GoalCheck {
  if (!result) return { goal: "10,000 pending on one replica within 512 MB RSS", measured: "-", met: null };
  return {
    goal: "10,000 pending on one replica within 512 MB RSS",
    measured: `${result.reachedPending} pending, RSS max ${result.rssMb.holdMax ?? "-"} MB, all returned: ${result.approve.allReturnedMs === null ? "no" : "yes"}`,
    met: result.target >= 10_000 && result.fits,
  };
}

export function formatGoals(goals: readonly GoalCheck[]): string {
  return formatTable([
    ["issue 5 target", "measured", "met"],
    ...goals.map((goal) => [
      goal.goal,
      goal.measured,
      goal.met === null ? "not run" : goal.met ? "met" : "MISSED",
    ]),
  ]);
}
