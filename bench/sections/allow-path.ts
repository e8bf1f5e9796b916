import {
  directStdio,
  startDirectHttp,
  startPeer,
  startProductGateway,
  type TargetContext,
} from "../support/allow-targets.js";
import { largeArgumentBytes, largeEvery } from "../support/call-mix.js";
import { summarizeCell, type CellSummary } from "../support/cell-summary.js";
import { difference, formatCellTable, formatRatio, formatSignedMs, ratio } from "../support/cell-table.js";
import { measureInterleaved, type RoundsPlan } from "../support/interleaved-rounds.js";
import { formatTable } from "../support/stats.js";

export interface AllowPathPlan extends Omit<RoundsPlan, "sessions"> {
  readonly sessionCounts: readonly number[];
}

/** How the gateway compares with the other targets at one session count. */
export interface AllowPathComparison {
  readonly sessions: number;
  /** Throughput ratios (gateway req/s over the other's). */
  readonly gatewayOverDirect: number | null;
  readonly gatewayOverDirectStdio: number | null;
  readonly gatewayOverPeer: number | null;
  /** Gateway minus direct (HTTP) latency over all calls, ms. */
  readonly addedP50Ms: number | null;
  readonly addedP99Ms: number | null;
  /** Gateway minus direct (stdio), ms: the same last hop as the gateway's. */
  readonly addedP50VsStdioMs: number | null;
  readonly addedP99VsStdioMs: number | null;
}

export interface AllowPathResult {
  readonly plan: AllowPathPlan;
  readonly mix: string;
  readonly cells: CellSummary[];
  readonly comparisons: AllowPathComparison[];
}

/**
 * Section 1: the same call mix from 1 and from N closed-loop sessions against the upstream
 * directly (HTTP, and stdio in this process), through the gateway and through supergateway,
 * interleaved in rounds.
 */
export async function measureAllowPath(
  context: TargetContext,
  plan: AllowPathPlan,
): Promise<AllowPathResult> {
  const targets = [
    await startDirectHttp(context),
    await startProductGateway(context),
    await startPeer(context),
    directStdio(),
  ];
  const cells: CellSummary[] = [];
  for (const sessions of plan.sessionCounts) {
    const runs = await measureInterleaved(targets, { ...plan, sessions });
    cells.push(...runs.map(summarizeCell));
  }
  return {
    plan,
    mix: `${largeEvery - 1} in ${largeEvery} calls describe_endpoint (small), 1 in ${largeEvery} echo with a ${largeArgumentBytes / 1024} KB argument`,
    cells,
    comparisons: plan.sessionCounts.map((sessions) => compare(cells, sessions)),
  };
}

function compare(cells: readonly CellSummary[], sessions: number): AllowPathComparison {
  const of = (target: string): CellSummary | undefined =>
    cells.find((cell) => cell.sessions === sessions && cell.target === target);
  const gateway = of("gateway");
  const direct = of("direct");
  const stdio = of("directStdio");
  return {
    sessions,
    gatewayOverDirect: ratio(gateway?.reqPerSec, direct?.reqPerSec),
    gatewayOverDirectStdio: ratio(gateway?.reqPerSec, stdio?.reqPerSec),
    gatewayOverPeer: ratio(gateway?.reqPerSec, of("peer")?.reqPerSec),
    addedP50Ms: difference(gateway?.latency?.p50, direct?.latency?.p50),
    addedP99Ms: difference(gateway?.latency?.p99, direct?.latency?.p99),
    addedP50VsStdioMs: difference(gateway?.latency?.p50, stdio?.latency?.p50),
    addedP99VsStdioMs: difference(gateway?.latency?.p99, stdio?.latency?.p99),
  };
}

export function formatAllowPath(result: AllowPathResult): string {
  const { plan } = result;
  const comparisons = formatTable([
    [
      "sessions",
      "gw/direct req/s",
      "gw/direct-stdio",
      "gw/peer",
      "added p50",
      "added p99",
      "vs stdio p50",
      "vs stdio p99",
    ],
    ...result.comparisons.map((c) => [
      String(c.sessions),
      formatRatio(c.gatewayOverDirect),
      formatRatio(c.gatewayOverDirectStdio),
      formatRatio(c.gatewayOverPeer),
      formatSignedMs(c.addedP50Ms),
      formatSignedMs(c.addedP99Ms),
      formatSignedMs(c.addedP50VsStdioMs),
      formatSignedMs(c.addedP99VsStdioMs),
    ]),
  ]);
  return [
    `1. Allow path: ${result.mix}; closed loop, ${plan.rounds} interleaved rounds of ${plan.runMs / 1_000} s per target after a ${plan.warmupMs / 1_000} s warm-up`,
    formatCellTable(result.cells),
    "",
    comparisons,
    "Last hop: direct (HTTP) calls the example upstream over Streamable HTTP (one process, one MCP server per session);",
    "the gateway and supergateway front examples/upstream/server.js over stdio: the gateway shares one upstream process",
    "between all sessions, supergateway (--stateful, --logLevel none) spawns one per session. direct (stdio) is the SDK",
    "client in the bench process spawning one upstream per session: the same last hop as both proxies, without HTTP.",
    "Gateway: the built CLI, realistic 20-rule policy, both measured tools counted by a Redis rate-limit rule that never",
    "refuses, decision log on; log backlog = calls not yet stored when a run ended, drain = time to store them.",
  ].join("\n");
}
