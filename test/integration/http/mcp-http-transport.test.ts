import { randomUUID } from "node:crypto";
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { CallToolResultSchema, LATEST_PROTOCOL_VERSION } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { McpHttpTransport } from "../../../src/http/mcp-http-transport.js";
import { jsonAnswerWindowMs } from "../../../src/http/post-answer.js";
import { initializeRequest, mcpAccept } from "../../support/raw-mcp.js";

/** One MCP session served by the transport under test, in front of a real SDK server. */
interface Endpoint {
  readonly url: string;
  readonly transport: McpHttpTransport;
  readonly server: McpServer;
  readonly closedSessions: string[];
  close(): Promise<void>;
}

async function startEndpoint(): Promise<Endpoint> {
  const closedSessions: string[] = [];
  const transport = new McpHttpTransport({
    sessionIdGenerator: randomUUID,
    onsessionclosed: (id) => closedSessions.push(id),
  });
  const server = new McpServer({ name: "tools", version: "1.0.0" });
  server.registerTool("echo", { inputSchema: { text: z.string() } }, ({ text }) => ({
    content: [{ type: "text", text }],
  }));
  server.registerTool("slow", { inputSchema: { ms: z.number() } }, async ({ ms }) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return { content: [{ type: "text", text: `slept ${ms}` }] };
  });
  server.registerTool("count", { inputSchema: { to: z.number() } }, async ({ to }, extra) => {
    const progressToken = extra._meta?.progressToken;
    for (let step = 1; step <= to && progressToken !== undefined; step += 1) {
      await extra.sendNotification({
        method: "notifications/progress",
        params: { progressToken, progress: step },
      });
    }
    return { content: [{ type: "text", text: `counted to ${to}` }] };
  });
  await server.connect(transport);
  const http: HttpServer = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString("utf8");
      await transport.handleRequest(req, res, text ? JSON.parse(text) : undefined);
    })();
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    transport,
    server,
    closedSessions,
    close: async () => {
      await server.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

describe("McpHttpTransport", () => {
  let endpoint: Endpoint;
  let sessionHeaders: Record<string, string>;

  const request = (body: unknown, headers: Record<string, string> = {}, method = "POST") =>
    fetch(endpoint.url, {
      method,
      headers: { "content-type": "application/json", accept: mcpAccept, ...sessionHeaders, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const call = (id: number, name: string, args: Record<string, unknown>, meta?: Record<string, unknown>) => ({
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: { name, arguments: args, ...(meta && { _meta: meta }) },
  });

  beforeEach(async () => {
    endpoint = await startEndpoint();
    sessionHeaders = {};
    const opened = await request(initializeRequest);
    expect(opened.status).toBe(200);
    expect(opened.headers.get("content-type")).toBe("application/json");
    expect(await opened.json()).toMatchObject({ id: 0, result: { serverInfo: { name: "tools" } } });
    sessionHeaders = {
      "mcp-session-id": String(opened.headers.get("mcp-session-id")),
      "mcp-protocol-version": LATEST_PROTOCOL_VERSION,
    };
    expect((await request({ jsonrpc: "2.0", method: "notifications/initialized" })).status).toBe(202);
  });

  afterEach(async () => {
    await endpoint.close();
  });

  it("answers a call whose result is ready at once with one JSON body", async () => {
    const response = await request(call(1, "echo", { text: "hi" }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("mcp-session-id")).toBe(sessionHeaders["mcp-session-id"]);
    expect(await response.json()).toEqual({
      jsonrpc: "2.0",
      id: 1,
      result: { content: [{ type: "text", text: "hi" }] },
    });
  });

  it("streams the answer of a call that outlasts the JSON window", async () => {
    const response = await request(call(2, "slow", { ms: jsonAnswerWindowMs + 150 }));
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const text = await response.text();
    expect(text).toContain("event: message\n");
    expect(text).toContain(`"text":"slept ${jsonAnswerWindowMs + 150}"`);
  });

  it("streams progress before the result when the client asked for it", async () => {
    const response = await request(call(3, "count", { to: 2 }, { progressToken: "p" }));
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const data = (await response.text())
      .split("\n")
      .filter((line) => line.startsWith("data: "))
      .map((line) => JSON.parse(line.slice("data: ".length)) as Record<string, unknown>);
    expect(data.map((message) => message.method ?? "result")).toEqual([
      "notifications/progress",
      "notifications/progress",
      "result",
    ]);
  });

  it("answers a batch of requests with a JSON array once all are answered", async () => {
    const response = await request([call(4, "echo", { text: "a" }), call(5, "echo", { text: "b" })]);
    expect(response.headers.get("content-type")).toBe("application/json");
    const answers = (await response.json()) as Array<{ id: number }>;
    expect(answers.map((answer) => answer.id)).toEqual([4, 5]);
  });

  it("serves the SDK client: tools, fast and slow calls, progress", async () => {
    const client = new Client({ name: "sdk-client", version: "1.0.0" });
    await endpoint.close();
    endpoint = await startEndpoint();
    await client.connect(new StreamableHTTPClientTransport(new URL(endpoint.url)));
    try {
      expect((await client.listTools()).tools.map((tool) => tool.name).sort()).toEqual([
        "count",
        "echo",
        "slow",
      ]);
      const fast = CallToolResultSchema.parse(
        await client.callTool({ name: "echo", arguments: { text: "x" } }),
      );
      expect(fast.content).toEqual([{ type: "text", text: "x" }]);
      const slow = CallToolResultSchema.parse(
        await client.callTool({ name: "slow", arguments: { ms: jsonAnswerWindowMs + 50 } }),
      );
      expect(slow.content).toEqual([{ type: "text", text: `slept ${jsonAnswerWindowMs + 50}` }]);
      const progress: number[] = [];
      await client.callTool({ name: "count", arguments: { to: 3 } }, CallToolResultSchema, {
        onprogress: (update) => progress.push(update.progress),
      });
      expect(progress).toEqual([1, 2, 3]);
    } finally {
      await client.close();
    }
  });

  it.each([
    ["an Accept without event streams", { accept: "application/json" }, 406, -32000],
    ["a body that is not JSON", { "content-type": "text/plain" }, 415, -32000],
    ["no session id", { "mcp-session-id": "" }, 400, -32000],
    ["another session's id", { "mcp-session-id": "00000000-0000-0000-0000-000000000000" }, 404, -32001],
    ["an unsupported protocol version", { "mcp-protocol-version": "1999-01-01" }, 400, -32000],
  ])("refuses a POST with %s", async (_label, headers: Record<string, string>, status, code) => {
    const response = await request(call(6, "echo", { text: "refused" }), headers);
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ jsonrpc: "2.0", error: { code }, id: null });
  });

  it("refuses malformed JSON-RPC, oversized batches and a second initialize", async () => {
    const malformed = await request({ jsonrpc: "1.0", method: 7 });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: -32700 } });
    const batch = Array.from({ length: 101 }, (_, index) => call(100 + index, "echo", { text: "x" }));
    const oversized = await request(batch);
    expect(oversized.status).toBe(400);
    expect(await oversized.json()).toMatchObject({ error: { code: -32600 } });
    const again = await request(initializeRequest);
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: { code: -32600 } });
  });

  it("answers other methods with 405 and names the allowed ones", async () => {
    const response = await request(undefined, {}, "PUT");
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, POST, DELETE");
  });

  it("keeps one standalone stream per session and sends server notifications on it", async () => {
    const refused = await request(undefined, { accept: "application/json" }, "GET");
    expect(refused.status).toBe(406);
    const stream = await request(undefined, { accept: "text/event-stream" }, "GET");
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toBe("text/event-stream");
    const second = await request(undefined, { accept: "text/event-stream" }, "GET");
    expect(second.status).toBe(409);
    endpoint.server.sendToolListChanged();
    const reader = stream.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toContain("notifications/tools/list_changed");
    await reader?.cancel();
  });

  it("ends the session on DELETE", async () => {
    const deleted = await request(undefined, {}, "DELETE");
    expect(deleted.status).toBe(200);
    expect(endpoint.closedSessions).toEqual([sessionHeaders["mcp-session-id"]]);
    expect((await request(call(7, "echo", { text: "late" }))).status).toBe(404);
  });

  it("ends an answer still being waited for when the session closes", async () => {
    const held = request(call(8, "slow", { ms: 30_000 }));
    const response = await held;
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    await endpoint.transport.close();
    expect(await response.text()).toBe("");
  });
});
