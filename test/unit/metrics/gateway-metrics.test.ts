import { afterEach, describe, expect, it } from "vitest";
import { GatewayMetrics } from "../../../src/metrics/gateway-metrics.js";
import type { DecisionRecord } from "../../../src/store/index.js";
import { parsePrometheusText, sampleValue } from "../../support/prometheus-text.js";

function record(overrides: Partial<DecisionRecord>): DecisionRecord {
  return {
    id: "00000000-0000-4000-8000-000000000000",
    createdAt: new Date(),
    requestId: "1",
    agentId: "ci-bot",
    sessionId: null,
    upstream: "main",
    tool: "read",
    arguments: {},
    decision: "allow",
    ruleId: null,
    reason: null,
    outcome: null,
    latencyMs: 1,
    upstreamLatencyMs: null,
    ...overrides,
  };
}

describe("GatewayMetrics", () => {
  const opened: GatewayMetrics[] = [];
  const metricsWith = (countPendingApprovals: () => Promise<number>, pendingCountTimeoutMs = 500) => {
    const metrics = new GatewayMetrics({ countPendingApprovals, pendingCountTimeoutMs });
    opened.push(metrics);
    return metrics;
  };
  const scrape = async (metrics: GatewayMetrics) => parsePrometheusText(await metrics.render());

  afterEach(() => {
    for (const metrics of opened.splice(0)) metrics.close();
  });

  it("counts decisions, rate-limit refusals, upstream latency and approval waits", async () => {
    const metrics = metricsWith(async () => 0);
    metrics.observeDecision(record({ decision: "allow", outcome: "ok", upstreamLatencyMs: 40 }));
    metrics.observeDecision(record({ decision: "rate_limited", ruleId: "throttle" }));
    metrics.observeDecision(
      record({
        decision: "require_approval",
        tool: "create_key",
        approvalStatus: "approved",
        approvalWaitMs: 90_000,
        upstreamLatencyMs: 2_000,
      }),
    );
    const families = await scrape(metrics);
    expect(sampleValue(families, "mcp_gateway_tool_calls_total", { tool: "read", decision: "allow" })).toBe(
      1,
    );
    expect(sampleValue(families, "mcp_gateway_tool_calls_total", { decision: "rate_limited" })).toBe(1);
    expect(sampleValue(families, "mcp_gateway_rate_limit_rejections_total", { rule: "throttle" })).toBe(1);
    expect(sampleValue(families, "mcp_gateway_upstream_latency_seconds_count", { upstream: "main" })).toBe(2);
    expect(
      sampleValue(families, "mcp_gateway_upstream_latency_seconds_sum", { upstream: "main" }),
    ).toBeCloseTo(2.04);
    const approved = { tool: "create_key", outcome: "approved" };
    expect(sampleValue(families, "mcp_gateway_approval_wait_seconds_sum", approved)).toBe(90);
    expect(sampleValue(families, "mcp_gateway_approval_wait_seconds_bucket", { ...approved, le: "60" })).toBe(
      0,
    );
    expect(
      sampleValue(families, "mcp_gateway_approval_wait_seconds_bucket", { ...approved, le: "120" }),
    ).toBe(1);
    expect(families.get("process_cpu_user_seconds_total")?.type).toBe("counter");
  });

  it("keeps separate counts per instance", async () => {
    const first = metricsWith(async () => 0);
    const second = metricsWith(async () => 0);
    first.observeDecision(record({}));
    expect(sampleValue(await scrape(first), "mcp_gateway_tool_calls_total")).toBe(1);
    expect(sampleValue(await scrape(second), "mcp_gateway_tool_calls_total")).toBe(0);
  });

  it("folds tool names beyond the label budget into _other", async () => {
    const metrics = metricsWith(async () => 0);
    for (let i = 0; i < 1_005; i += 1) metrics.observeDecision(record({ tool: `tool_${i}` }));
    const families = await scrape(metrics);
    expect(sampleValue(families, "mcp_gateway_tool_calls_total", { tool: "tool_999" })).toBe(1);
    expect(sampleValue(families, "mcp_gateway_tool_calls_total", { tool: "_other" })).toBe(5);
  });

  it("reads the pending count at scrape time and keeps the last one when the read is too slow", async () => {
    let answer: () => Promise<number> = async () => 3;
    const metrics = metricsWith(() => answer(), 50);
    expect(sampleValue(await scrape(metrics), "mcp_gateway_pending_approvals")).toBe(3);
    answer = () => new Promise((resolve) => setTimeout(() => resolve(7), 1_000));
    const startedAt = Date.now();
    expect(sampleValue(await scrape(metrics), "mcp_gateway_pending_approvals")).toBe(3);
    expect(Date.now() - startedAt).toBeLessThan(500);
    answer = async () => 5;
    expect(sampleValue(await scrape(metrics), "mcp_gateway_pending_approvals")).toBe(5);
  });
});
