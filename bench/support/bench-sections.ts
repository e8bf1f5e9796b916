import { formatAllowPath, measureAllowPath } from "../sections/allow-path.js";
import { formatApprovalResume, measureApprovalResume } from "../sections/approval-resume.js";
import { formatDecisionLogCost, measureDecisionLogCost } from "../sections/decision-log-cost.js";
import { measurePendingCapacity } from "../sections/pending-capacity.js";
import { formatPendingCapacity } from "../sections/pending-capacity-report.js";
import { runRateLimitBursts } from "../sections/rate-limit-burst.js";
import { formatRateLimit, summarizeRateLimit } from "../sections/rate-limit-report.js";
import type { TargetContext } from "./allow-targets.js";
import type { BenchPlan, SectionName } from "./bench-plan.js";
import type { GoalInputs } from "./goals.js";

/** A section's figures (for results.json) and its printed table. */
export interface SectionOutcome {
  readonly result: unknown;
  readonly text: string;
  /** What the issue-5 targets read from this section. */
  readonly goals: GoalInputs;
}

export interface BenchSection {
  readonly name: SectionName;
  /** The key of its figures in results.json. */
  readonly key: string;
  readonly title: string;
  run(context: TargetContext, plan: BenchPlan): Promise<SectionOutcome>;
}

/** The sections in the order they run and print. */
export const benchSections: readonly BenchSection[] = [
  {
    name: "allow",
    key: "allowPath",
    title: "1. Allow path",
    run: async (context, plan) => {
      const result = await measureAllowPath(context, plan.allowPath);
      return { result, text: formatAllowPath(result), goals: { allowPath: result } };
    },
  },
  {
    name: "resume",
    key: "approvalResume",
    title: "2. Approval resume",
    run: async (context, plan) => {
      const result = await measureApprovalResume(context, plan.approvals);
      return { result, text: formatApprovalResume(result), goals: { approvalResume: result } };
    },
  },
  {
    name: "pending",
    key: "pendingCapacity",
    title: "3. Pending capacity",
    run: async (context, plan) => {
      const result = await measurePendingCapacity(context, plan.pending);
      return { result, text: formatPendingCapacity(result), goals: { pendingCapacity: result } };
    },
  },
  {
    name: "ratelimit",
    key: "rateLimit",
    title: "4. Rate limiter",
    run: async (context, plan) => {
      const result = summarizeRateLimit(await runRateLimitBursts(context, plan.rateLimit));
      return { result, text: formatRateLimit(result), goals: {} };
    },
  },
  {
    name: "log",
    key: "decisionLog",
    title: "5. Decision-log write cost",
    run: async (context, plan) => {
      const result = await measureDecisionLogCost(context, plan.decisionLog);
      return { result, text: formatDecisionLogCost(result), goals: {} };
    },
  },
];
