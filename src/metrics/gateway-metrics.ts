import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { DecisionRecord } from "../store/index.js";

export interface GatewayMetricsOptions {
  /**
   * Counts the approval requests still waiting for people. They live in Postgres, shared by
   * every replica, so each replica reports the same cluster-wide figure.
   */
  readonly countPendingApprovals: () => Promise<number>;
  /** Longest a scrape waits for that count (default 500 ms); the last known count is kept. */
  readonly pendingCountTimeoutMs?: number;
  /** Told when the pending count could not be read in time. */
  readonly onPendingCountFailed?: (error: unknown) => void;
}

/** Upstream calls may run up to the 10-minute upstream timeout. */
const upstreamLatencyBuckets = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600,
];
/** People answer in seconds to an hour (the longest sensible approval timeout). */
const approvalWaitBuckets = [1, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 2700, 3600];
/**
 * Tool names come from clients: an agent calling made-up names must not grow the series
 * without bound, so names beyond this many share one label value.
 */
const maxToolLabels = 1_000;
const otherTools = "_other";
const defaultPendingCountTimeoutMs = 500;

/**
 * The gateway's Prometheus metrics, in a registry of its own (not prom-client's global one),
 * so several gateways in one process keep separate counts. The call gate reports every
 * decision record to {@link GatewayMetrics.observeDecision}.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly toolCalls: Counter<"upstream" | "tool" | "decision">;
  private readonly rateLimitRejections: Counter<"upstream" | "tool" | "rule">;
  private readonly upstreamLatency: Histogram<"upstream">;
  private readonly approvalWait: Histogram<"upstream" | "tool" | "outcome">;
  private readonly toolLabels = new Set<string>();

  constructor(private readonly options: GatewayMetricsOptions) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.toolCalls = new Counter({
      name: "mcp_gateway_tool_calls_total",
      help: "tools/call requests by upstream, tool and decision (allow, deny, rate_limited, require_approval, unavailable)",
      labelNames: ["upstream", "tool", "decision"],
      registers,
    });
    this.rateLimitRejections = new Counter({
      name: "mcp_gateway_rate_limit_rejections_total",
      help: "tools/call requests refused by a rate limit, by the rule that counted them",
      labelNames: ["upstream", "tool", "rule"],
      registers,
    });
    this.upstreamLatency = new Histogram({
      name: "mcp_gateway_upstream_latency_seconds",
      help: "Time the upstream took to answer a forwarded tools/call",
      labelNames: ["upstream"],
      buckets: upstreamLatencyBuckets,
      registers,
    });
    this.approvalWait = new Histogram({
      name: "mcp_gateway_approval_wait_seconds",
      help: "Time a call was held for approval, by how the wait ended (approved, denied, expired, pending, cancelled)",
      labelNames: ["upstream", "tool", "outcome"],
      buckets: approvalWaitBuckets,
      registers,
    });
    const pending: Gauge = new Gauge({
      name: "mcp_gateway_pending_approvals",
      help: "Approval requests waiting for people, across all replicas (read from the database at scrape time)",
      registers,
      collect: () => this.refreshPending(pending),
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text for `GET /metrics`. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** Counts one decided call and, where it applies, its rate-limit refusal, upstream latency and approval wait. */
  observeDecision(record: DecisionRecord): void {
    const upstream = record.upstream;
    const tool = this.toolLabel(upstream, record.tool);
    this.toolCalls.inc({ upstream, tool, decision: record.decision });
    if (record.decision === "rate_limited") {
      this.rateLimitRejections.inc({ upstream, tool, rule: record.ruleId ?? "default" });
    }
    if (record.upstreamLatencyMs !== null) {
      this.upstreamLatency.observe({ upstream }, record.upstreamLatencyMs / 1000);
    }
    if (record.approvalWaitMs !== undefined && record.approvalWaitMs !== null) {
      const outcome = record.approvalStatus ?? "unknown";
      this.approvalWait.observe({ upstream, tool, outcome }, record.approvalWaitMs / 1000);
    }
  }

  close(): void {
    this.registry.clear();
  }

  private toolLabel(upstream: string, tool: string): string {
    const key = `${upstream}\u0000${tool}`;
    if (this.toolLabels.has(key)) return tool;
    if (this.toolLabels.size >= maxToolLabels) return otherTools;
    this.toolLabels.add(key);
    return tool;
  }

  // A slow or unreachable database must not make scrapes slow: the last known count stays.
  private async refreshPending(gauge: Gauge): Promise<void> {
    const timeoutMs = this.options.pendingCountTimeoutMs ?? defaultPendingCountTimeoutMs;
    try {
      gauge.set(await withTimeout(this.options.countPendingApprovals(), timeoutMs));
    } catch (error) {
      this.options.onPendingCountFailed?.(error);
    }
  }
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
