import type { AllowPathPlan } from "../sections/allow-path.js";
import type { PendingPlan } from "../sections/pending-capacity.js";
import type { RateLimitPlan } from "../sections/rate-limit-burst.js";

export const sectionNames = ["allow", "resume", "pending", "ratelimit", "log"] as const;
export type SectionName = (typeof sectionNames)[number];

/** Everything a run does, fixed before it starts, so its length is bounded. */
export interface BenchPlan {
  readonly quick: boolean;
  readonly sections: ReadonlySet<SectionName>;
  /** Whether the figures are written into docs/benchmarks.md (full runs of every section only). */
  readonly writeDocs: boolean;
  /** The run is stopped, with what it has, after this long. */
  readonly hardLimitMs: number;
  readonly allowPath: AllowPathPlan;
  readonly approvals: number;
  readonly pending: PendingPlan;
  readonly rateLimit: RateLimitPlan;
  readonly decisionLog: AllowPathPlan;
}

const full: Omit<BenchPlan, "quick" | "sections" | "writeDocs"> = {
  hardLimitMs: 11 * 60_000,
  allowPath: { sessionCounts: [1, 32], rounds: 3, runMs: 2_000, warmupMs: 1_000 },
  approvals: 500,
  pending: {
    sessions: 100,
    callsPerSession: 100,
    holdMs: 5_000,
    rampLimitMs: 70_000,
    releaseLimitMs: 120_000,
    approveParallel: 32,
  },
  rateLimit: { sessions: 20, callsPerSession: 50, rounds: 2, sequentialCalls: 200 },
  decisionLog: { sessionCounts: [1, 32], rounds: 2, runMs: 2_000, warmupMs: 1_000 },
};

const quick: Omit<BenchPlan, "quick" | "sections" | "writeDocs"> = {
  hardLimitMs: 3 * 60_000,
  allowPath: { sessionCounts: [1, 8], rounds: 1, runMs: 1_000, warmupMs: 300 },
  approvals: 20,
  pending: {
    sessions: 10,
    callsPerSession: 30,
    holdMs: 2_000,
    rampLimitMs: 15_000,
    releaseLimitMs: 20_000,
    approveParallel: 8,
  },
  rateLimit: { sessions: 10, callsPerSession: 20, rounds: 1, sequentialCalls: 50 },
  decisionLog: { sessionCounts: [1, 8], rounds: 1, runMs: 1_000, warmupMs: 300 },
};

/**
 * The plan from the command line: `--quick` for a smoke run of about a minute, `--only
 * allow,resume,pending,ratelimit,log` for some sections, `--pending N` to hold N calls
 * (100 sessions) instead of 10,000, `--pending-ramp-seconds S` to let that ramp run longer,
 * `--no-docs` to leave docs/benchmarks.md alone.
 */
export function benchPlan(argv: readonly string[]): BenchPlan {
  const isQuick = argv.includes("--quick");
  const base = isQuick ? quick : full;
  const only = valueOf(argv, "only");
  const sections = new Set<SectionName>(only ? only.split(",").map(parseSection) : sectionNames);
  const pendingTotal = valueOf(argv, "pending");
  const rampSeconds = valueOf(argv, "pending-ramp-seconds");
  const sized = pendingTotal ? withPendingTotal(base.pending, pendingTotal) : base.pending;
  const pending = rampSeconds
    ? { ...sized, rampLimitMs: wholeNumber("pending-ramp-seconds", rampSeconds) * 1_000 }
    : sized;
  const everything = sections.size === sectionNames.length && !pendingTotal && !rampSeconds;
  return {
    ...base,
    // A longer ramp must not be cut short by the limit on the whole run.
    hardLimitMs: base.hardLimitMs + Math.max(0, pending.rampLimitMs - base.pending.rampLimitMs),
    pending,
    quick: isQuick,
    sections,
    writeDocs: !isQuick && everything && !argv.includes("--no-docs"),
  };
}

function withPendingTotal(pending: PendingPlan, raw: string): PendingPlan {
  const total = Number(raw);
  if (!/^\d+$/.test(raw) || total < pending.sessions || total % pending.sessions !== 0) {
    throw new Error(`--pending expects a multiple of ${pending.sessions}, got "${raw}"`);
  }
  return { ...pending, callsPerSession: total / pending.sessions };
}

function wholeNumber(name: string, raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    throw new Error(`--${name} expects a whole number, got "${raw}"`);
  return Number(raw);
}

function parseSection(name: string): SectionName {
  const found = sectionNames.find((section) => section === name.trim());
  if (!found) throw new Error(`unknown section "${name}"; expected some of ${sectionNames.join(", ")}`);
  return found;
}

function valueOf(argv: readonly string[], name: string): string | undefined {
  const index = argv.indexOf(`--${name}`);
  return index === -1 ? undefined : argv[index + 1];
}
