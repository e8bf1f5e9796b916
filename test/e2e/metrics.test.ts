import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connectAgent,
  createGatewayFixture,
  type GatewayFixture,
  type InProcessGateway,
  startInProcessGateway,
} from "../support/gateway-harness.js";
import { type MetricFamily, parsePrometheusText, sampleValue } from "../support/prometheus-text.js";

const policy = {
  default: "allow",
  rules: [
    { id: "no-deletes", tool: "delete_*", action: "deny", reason: "Deletion is disabled" },
    {
      id: "throttle-describe",
      tool: "describe_endpoint",
      action: "rate_limit",
      rate_limit: { max: 2, window: "60s", per: "session" },
    },
    { id: "approve-keys", tool: "create_api_key", action: "require_approval" },
  ],
};

describe("GET /metrics", () => {
  let fixture: GatewayFixture;
  let gateway: InProcessGateway;
  let client: Client;

  const scrape = async (): Promise<Map<string, MetricFamily>> => {
    const response = await fetch(`${gateway.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheusText(await response.text());
  };
  const calls = (families: Map<string, MetricFamily>, tool: string, decision: string) =>
    sampleValue(families, "mcp_gateway_tool_calls_total", { upstream: "sagemaker", tool, decision });

  beforeAll(async () => {
    // A zero hold answers "approval pending" at once and leaves the request pending.
    fixture = await createGatewayFixture({ policy, extra: { approvals: { hold: "0s" } } });
    gateway = await startInProcessGateway(fixture);
    client = await connectAgent(gateway.url, "sagemaker");
  });

  afterAll(async () => {
    await client?.close();
    await gateway?.close();
    await fixture?.dispose();
  });

  it("exposes every gateway metric with HELP and TYPE, and the Node process metrics", async () => {
    const families = await scrape();
    const expected: Record<string, MetricFamily["type"]> = {
      mcp_gateway_tool_calls_total: "counter",
      mcp_gateway_rate_limit_rejections_total: "counter",
      mcp_gateway_upstream_latency_seconds: "histogram",
      mcp_gateway_approval_wait_seconds: "histogram",
      mcp_gateway_pending_approvals: "gauge",
      process_cpu_user_seconds_total: "counter",
      nodejs_heap_size_used_bytes: "gauge",
    };
    for (const [name, type] of Object.entries(expected)) {
      expect(families.get(name)?.type, name).toBe(type);
      expect(families.get(name)?.help, name).toBeTruthy();
    }
  });

  it("moves the counters with allowed, denied, rate-limited and held calls", async () => {
    const before = await scrape();
    await client.callTool({ name: "list_endpoints", arguments: {} });
    await client.callTool({ name: "delete_endpoint", arguments: { endpoint_name: "ep-alpha" } });
    const described = [];
    for (let i = 0; i < 3; i += 1) {
      described.push(
        await client.callTool({ name: "describe_endpoint", arguments: { endpoint_name: "ep-alpha" } }),
      );
    }
    expect(described.map((result) => Boolean(result.isError))).toEqual([false, false, true]);
    const held = await client.callTool({ name: "create_api_key", arguments: { name: "ci" } });
    expect(held.isError).toBe(true);

    const after = await scrape();
    const delta = (read: (families: Map<string, MetricFamily>) => number) => read(after) - read(before);
    expect(delta((f) => calls(f, "list_endpoints", "allow"))).toBe(1);
    expect(delta((f) => calls(f, "delete_endpoint", "deny"))).toBe(1);
    expect(delta((f) => calls(f, "describe_endpoint", "allow"))).toBe(2);
    expect(delta((f) => calls(f, "describe_endpoint", "rate_limited"))).toBe(1);
    expect(delta((f) => calls(f, "create_api_key", "require_approval"))).toBe(1);
    expect(
      delta((f) =>
        sampleValue(f, "mcp_gateway_rate_limit_rejections_total", {
          tool: "describe_endpoint",
          rule: "throttle-describe",
        }),
      ),
    ).toBe(1);
    // Forwarded: list_endpoints and two describe_endpoint calls.
    expect(
      delta((f) => sampleValue(f, "mcp_gateway_upstream_latency_seconds_count", { upstream: "sagemaker" })),
    ).toBe(3);
    expect(
      delta((f) =>
        sampleValue(f, "mcp_gateway_approval_wait_seconds_count", {
          tool: "create_api_key",
          outcome: "pending",
        }),
      ),
    ).toBe(1);
    expect(sampleValue(after, "mcp_gateway_pending_approvals")).toBe(1);
  });
});
