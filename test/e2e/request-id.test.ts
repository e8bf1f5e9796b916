import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  agentTokens,
  createGatewayFixture,
  type GatewayFixture,
  type InProcessGateway,
  resultText,
  startInProcessGateway,
} from "../support/gateway-harness.js";

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface LogLine {
  readonly msg: string;
  readonly requestId?: string;
  readonly [key: string]: unknown;
}

describe("request ids", () => {
  let fixture: GatewayFixture;
  let gateway: InProcessGateway;

  const logLines = (): LogLine[] =>
    gateway
      .logs()
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LogLine);
  const healthWith = (headers: Record<string, string>) => fetch(`${gateway.url}/healthz`, { headers });
  const waitFor = async (predicate: () => boolean, what: string): Promise<void> => {
    const deadline = Date.now() + 10_000;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  beforeAll(async () => {
    fixture = await createGatewayFixture({ policy: { default: "allow" } });
    gateway = await startInProcessGateway(fixture);
  });

  afterAll(async () => {
    await gateway?.close();
    await fixture?.dispose();
  });

  it("echoes a sane X-Request-Id and logs the request under it", async () => {
    const response = await healthWith({ "X-Request-Id": "trace-4bf92f35.a1:b2" });
    expect(response.headers.get("x-request-id")).toBe("trace-4bf92f35.a1:b2");
    await waitFor(() => logLines().some((line) => line.requestId === "trace-4bf92f35.a1:b2"), "the log line");
    const done = logLines().find((line) => line.requestId === "trace-4bf92f35.a1:b2");
    expect(done).toMatchObject({ msg: "request done", method: "GET", path: "/healthz", status: 200 });
  });

  it.each([
    ["no id", {}],
    ["an id with a space", { "X-Request-Id": "two words" }],
    ["an id with a quote", { "X-Request-Id": 'a"b' }],
    ["an id over 128 characters", { "X-Request-Id": "a".repeat(129) }],
  ])("replaces %s with a fresh UUID", async (_label, headers: Record<string, string>) => {
    const first = (await healthWith(headers)).headers.get("x-request-id");
    const second = (await healthWith(headers)).headers.get("x-request-id");
    expect(first).toMatch(uuid);
    expect(second).toMatch(uuid);
    expect(first).not.toBe(second);
  });

  it("keeps an id of exactly 128 characters", async () => {
    const id = "b".repeat(128);
    expect((await healthWith({ "X-Request-Id": id })).headers.get("x-request-id")).toBe(id);
  });

  it("carries the HTTP request id into the call gate's log when the upstream fails mid-call", async () => {
    const client = new Client({ name: "traced-agent", version: "1.0.0" });
    const transport = new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp/sagemaker`), {
      requestInit: {
        headers: { Authorization: `Bearer ${agentTokens["ci-bot"]}`, "X-Request-Id": "call-trace-77" },
      },
    });
    await client.connect(transport);
    try {
      const running = client.callTool({
        name: "run_diagnostics",
        arguments: { duration_ms: 30_000, steps: 1 },
      });
      await waitFor(() => fixture.readCallLog().some((call) => call.tool === "run_diagnostics"), "the call");
      const upstreamPid = fixture.readCallLog().find((call) => call.tool === "run_diagnostics")?.pid;
      process.kill(upstreamPid ?? 0, "SIGKILL");
      const result = await running;
      expect(result.isError).toBe(true);
      expect(resultText(result)).toContain("sagemaker");
      const failed = logLines().find((line) => line.msg === "upstream call failed");
      expect(failed?.requestId).toBe("call-trace-77");
      expect(JSON.stringify(failed)).not.toContain(agentTokens["ci-bot"]);
    } finally {
      await client.close();
    }
  });
});
