import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { CallToolResultSchema, ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { UpstreamHttpTransport } from "../../../src/upstream/http-transport.js";
import { isSessionLost } from "../../../src/upstream/transport.js";
import { freePort } from "../../support/services.js";

interface SdkServerOptions {
  /** Answer POSTs with JSON bodies instead of event streams. */
  readonly json?: boolean;
  /** Require `Authorization: Bearer <token>`. */
  readonly token?: string;
}

/** A real MCP server (the SDK's) over Streamable HTTP, with a few tools, at `/mcp`; `/old` redirects there. */
interface SdkServer {
  readonly url: string;
  readonly servers: McpServer[];
  /** Forgets every session, as a restarted server would. */
  forgetSessions(): void;
  /** The headers of every request that reached `/mcp`. */
  readonly seenHeaders: IncomingMessage["headers"][];
  close(): Promise<void>;
}

const running: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  for (const item of running.splice(0).reverse()) await item.close();
});

async function startSdkServer(options: SdkServerOptions = {}): Promise<SdkServer> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const servers: McpServer[] = [];
  const seenHeaders: IncomingMessage["headers"][] = [];
  const http: HttpServer = createServer((req, res) => {
    void (async () => {
      if (req.url === "/old") {
        res.writeHead(307, { location: "/mcp" }).end();
        return;
      }
      seenHeaders.push(req.headers);
      if (options.token && req.headers.authorization !== `Bearer ${options.token}`) {
        res.writeHead(401, { "content-type": "application/json" }).end('{"error":"unauthorized"}');
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body: unknown =
        chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : undefined;
      const sessionId = req.headers["mcp-session-id"];
      const known = typeof sessionId === "string" ? sessions.get(sessionId) : undefined;
      if (!known && typeof sessionId === "string") {
        res.writeHead(404, { "content-type": "application/json" }).end('{"error":"Session not found"}');
        return;
      }
      const transport = known ?? (await openSession());
      await transport.handleRequest(req, res, body);
    })();
  });
  async function openSession(): Promise<StreamableHTTPServerTransport> {
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      enableJsonResponse: options.json ?? false,
      onsessioninitialized: (id): void => {
        sessions.set(id, transport);
      },
    });
    const server = toolServer();
    servers.push(server);
    await server.connect(transport);
    return transport;
  }
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  const server: SdkServer = {
    url: `http://127.0.0.1:${port}/mcp`,
    servers,
    seenHeaders,
    forgetSessions: () => sessions.clear(),
    close: async () => {
      await Promise.all(servers.map((each) => each.close().catch(() => undefined)));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  running.push(server);
  return server;
}

function toolServer(): McpServer {
  const server = new McpServer({ name: "test-upstream", version: "1.0.0" });
  server.registerTool("echo", { inputSchema: { text: z.string() } }, ({ text }) => ({
    content: [{ type: "text", text }],
  }));
  server.registerTool("count", { inputSchema: { to: z.number() } }, async ({ to }, extra) => {
    const progressToken = extra._meta?.progressToken;
    for (let step = 1; step <= to && progressToken !== undefined; step += 1) {
      await extra.sendNotification({
        method: "notifications/progress",
        params: { progressToken, progress: step, total: to },
      });
    }
    return { content: [{ type: "text", text: `counted to ${to}` }] };
  });
  return server;
}

async function connect(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ client: Client; transport: UpstreamHttpTransport }> {
  const transport = new UpstreamHttpTransport({ url: new URL(url), headers });
  const client = new Client({ name: "gateway-under-test", version: "1.0.0" });
  await client.connect(transport);
  running.push({ close: () => client.close() });
  return { client, transport };
}

async function echo(client: Client, text: string): Promise<string> {
  const result = CallToolResultSchema.parse(await client.callTool({ name: "echo", arguments: { text } }));
  const first = result.content[0];
  return first?.type === "text" ? first.text : "";
}

async function waitUntil(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("UpstreamHttpTransport", () => {
  it("initializes, lists tools and calls them on a server that answers with event streams", async () => {
    const server = await startSdkServer();
    const { client, transport } = await connect(server.url);
    expect(transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await client.listTools()).tools.map((tool) => tool.name).sort()).toEqual(["count", "echo"]);
    expect(await echo(client, "über ✓")).toBe("über ✓");
    // After initialize, every request names the session and the negotiated protocol version.
    const last = server.seenHeaders.at(-1);
    expect(last?.["mcp-session-id"]).toBe(transport.sessionId);
    expect(last?.["mcp-protocol-version"]).toBeTruthy();
  });

  it("works with a server that answers with JSON bodies", async () => {
    const server = await startSdkServer({ json: true });
    const { client } = await connect(server.url);
    expect(await echo(client, "plain")).toBe("plain");
  });

  it("relays the progress notifications sent before a result", async () => {
    const server = await startSdkServer();
    const { client } = await connect(server.url);
    const progress: number[] = [];
    const result = await client.callTool({ name: "count", arguments: { to: 3 } }, CallToolResultSchema, {
      onprogress: (update) => progress.push(update.progress),
    });
    expect(progress).toEqual([1, 2, 3]);
    expect(CallToolResultSchema.parse(result).content).toEqual([{ type: "text", text: "counted to 3" }]);
  });

  it("opens the standalone stream after initialization and delivers what the server sends on it", async () => {
    const server = await startSdkServer();
    const { client } = await connect(server.url);
    let listChanges = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      listChanges += 1;
    });
    await waitUntil(
      () => server.seenHeaders.some((headers) => headers.accept === "text/event-stream"),
      "the GET stream",
    );
    // The stream is registered once its response has started; give the server a moment.
    await waitUntil(() => {
      server.servers[0]?.sendToolListChanged();
      return listChanges > 0;
    }, "list_changed");
    expect(listChanges).toBeGreaterThan(0);
  });

  it("sends the configured headers, and reports a refusal as StreamableHTTPError", async () => {
    const server = await startSdkServer({ token: "upstream-secret" });
    const refused = await connect(server.url, { Authorization: "Bearer wrong" }).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(StreamableHTTPError);
    expect((refused as StreamableHTTPError).code).toBe(401);
    const { client } = await connect(server.url, { Authorization: "Bearer upstream-secret" });
    expect(await echo(client, "authorised")).toBe("authorised");
  });

  it("reports a session the server no longer knows as a lost session", async () => {
    const server = await startSdkServer();
    const { client } = await connect(server.url);
    server.forgetSessions();
    const failure = await echo(client, "gone").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StreamableHTTPError);
    expect(isSessionLost(failure)).toBe(true);
  });

  it("follows a redirect within the server's origin", async () => {
    const server = await startSdkServer();
    const { client } = await connect(server.url.replace(/\/mcp$/, "/old"));
    expect(await echo(client, "moved")).toBe("moved");
  });

  it("fails the request when nothing listens at the URL", async () => {
    const port = await freePort();
    const failure = await connect(`http://127.0.0.1:${port}/mcp`).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "ECONNREFUSED" });
  });

  it("closes its streams and refuses to send once closed", async () => {
    const server = await startSdkServer();
    const { client, transport } = await connect(server.url);
    await waitUntil(
      () => server.seenHeaders.some((headers) => headers.accept === "text/event-stream"),
      "the GET stream",
    );
    let closed = 0;
    const previous = transport.onclose;
    transport.onclose = () => {
      closed += 1;
      previous?.();
    };
    await client.close();
    expect(closed).toBe(1);
    await expect(transport.send({ jsonrpc: "2.0", id: 99, method: "ping" })).rejects.toThrow(/closed/);
  });
});
