import { difference, formatSignedMs } from "../support/cell-table.js";
import { formatMs, formatTable, summarize, type Summary } from "../support/stats.js";
import { limitMax, variants, type RateLimitRuns, type Variant } from "./rate-limit-burst.js";

export interface VariantSummary {
  readonly passedPerRound: number[];
  readonly limitedPerRound: number[];
  readonly otherErrors: number;
  readonly firstOtherError: string | null;
  readonly burstWallMs: number[];
  /** Latency of every call of the bursts (ms), then of the forwarded ones alone. */
  readonly all: Summary;
  readonly passed: Summary | null;
}

export interface RateLimitResult {
  readonly plan: RateLimitRuns["plan"];
  readonly limitMax: number;
  readonly variants: Record<Variant, VariantSummary>;
  /** Every `limited` burst let exactly `limitMax` calls through. */
  readonly exact: boolean;
  /** Limiter cost inside a burst: counted minus plain, over all calls. */
  readonly burstAddedP50Ms: number | null;
  readonly burstAddedP99Ms: number | null;
  readonly sequential: {
    plain: Summary;
    counted: Summary;
    addedP50Ms: number | null;
    addedP99Ms: number | null;
  };
}

export function summarizeRateLimit(runs: RateLimitRuns): RateLimitResult {
  const summaries = Object.fromEntries(
    variants.map((variant) => [variant, summarizeVariant(runs.bursts[variant])]),
  ) as Record<Variant, VariantSummary>;
  const plain = summarize(runs.sequential.plain);
  const counted = summarize(runs.sequential.counted);
  return {
    plan: runs.plan,
    limitMax,
    variants: summaries,
    exact: summaries.limited.passedPerRound.every((passed) => passed === limitMax),
    burstAddedP50Ms: difference(summaries.counted.all.p50, summaries.plain.all.p50),
    burstAddedP99Ms: difference(summaries.counted.all.p99, summaries.plain.all.p99),
    sequential: {
      plain,
      counted,
      addedP50Ms: difference(counted.p50, plain.p50),
      addedP99Ms: difference(counted.p99, plain.p99),
    },
  };
}

function summarizeVariant(bursts: RateLimitRuns["bursts"][Variant]): VariantSummary {
  const passed = bursts.flatMap((run) => run.passed);
  return {
    passedPerRound: bursts.map((run) => run.passed.length),
    limitedPerRound: bursts.map((run) => run.limited.length),
    otherErrors: bursts.reduce((total, run) => total + run.otherErrors, 0),
    firstOtherError: bursts.map((run) => run.firstOtherError).find((error) => error !== undefined) ?? null,
    burstWallMs: bursts.map((run) => Math.round(run.wallMs)),
    all: summarize(bursts.flatMap((run) => [...run.passed, ...run.limited])),
    passed: passed.length === 0 ? null : summarize(passed),
  };
}

export function formatRateLimit(result: RateLimitResult): string {
  const { plan } = result;
  const burst = plan.sessions * plan.callsPerSession;
  const rows = variants.map((variant) => {
    const summary = result.variants[variant];
    return [
      variantLabel(variant),
      summary.passedPerRound.join("/"),
      summary.limitedPerRound.join("/"),
      String(summary.otherErrors),
      formatMs(summary.all.p50),
      formatMs(summary.all.p99),
      summary.passed ? formatMs(summary.passed.p50) : "-",
      summary.passed ? formatMs(summary.passed.p99) : "-",
      summary.burstWallMs.join("/"),
    ];
  });
  const { sequential } = result;
  return [
    `4. Rate limiter: bursts of ${burst} simultaneous calls (${plan.sessions} sessions x ${plan.callsPerSession}) through one gateway, ${plan.rounds} rounds`,
    formatTable([
      [
        "rule",
        "passed by round",
        "limited",
        "errors",
        "p50 ms",
        "p99 ms",
        "passed p50",
        "passed p99",
        "burst ms",
      ],
      ...rows,
    ]),
    `exactly ${result.limitMax} passed in every max:${result.limitMax} burst: ${result.exact ? "yes" : "NO"}`,
    `limiter cost inside a burst (counted - plain): p50 ${formatSignedMs(result.burstAddedP50Ms)}, p99 ${formatSignedMs(result.burstAddedP99Ms)}`,
    `limiter cost one call at a time (${plan.sequentialCalls} each, alternating): plain p50 ${formatMs(sequential.plain.p50)} / p99 ${formatMs(sequential.plain.p99)} ms,` +
      ` counted p50 ${formatMs(sequential.counted.p50)} / p99 ${formatMs(sequential.counted.p99)} ms:` +
      ` added p50 ${formatSignedMs(sequential.addedP50Ms)}, p99 ${formatSignedMs(sequential.addedP99Ms)}`,
    "Same tool and arguments for all; each round uses fresh agents (per: agent), so every max:100 burst starts on an",
    "empty 60 s window. 'counted' is a rate-limit rule with a max never reached: the Redis round trip without refusals.",
  ].join("\n");
}

function variantLabel(variant: Variant): string {
  if (variant === "plain") return "allow (no limit)";
  if (variant === "counted") return "rate_limit max 1e9";
  return `rate_limit max ${limitMax}`;
}
