import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CallToolResultSchema, type Progress } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const upstreamDir = path.resolve(import.meta.dirname, "../../examples/upstream");
const ALL_TOOLS = [
  "create_api_key",
  "delete_endpoint",
  "describe_endpoint",
  "echo",
  "list_endpoints",
  "manage_hyperpod_stacks",
  "run_diagnostics",
];
const INITIALIZE = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
};

interface RunningUpstream {
  readonly client: Client;
  readonly pid: number;
  readonly callLog: string;
  stderr(): string;
  stop(): Promise<void>;
}

interface HttpUpstream extends RunningUpstream {
  readonly url: string;
  readonly token: string;
  readonly child: ChildProcess;
  connect(
    headers?: Record<string, string>,
  ): Promise<{ client: Client; transport: StreamableHTTPClientTransport }>;
}

interface CallLogEntry {
  ts: number;
  pid: number;
  tool: string;
  args: unknown;
}

interface Endpoint {
  endpoint_name: string;
  status: string;
}

let workDir = "";
beforeAll(() => {
  workDir = mkdtempSync(path.join(tmpdir(), "example-upstream-"));
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const newClient = (): Client => new Client({ name: "example-upstream-test", version: "1.0.0" });

async function startStdio(): Promise<RunningUpstream> {
  const callLog = path.join(workDir, `stdio-${randomUUID()}.log`);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [path.join(upstreamDir, "server.js")],
    env: { EXAMPLE_UPSTREAM_CALL_LOG: callLog },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const client = newClient();
  await client.connect(transport);
  const pid = transport.pid;
  if (pid === null) throw new Error("the stdio upstream has no pid");
  return { client, pid, callLog, stderr: () => stderr, stop: () => client.close() };
}

async function startHttp(): Promise<HttpUpstream> {
  const callLog = path.join(workDir, `http-${randomUUID()}.log`);
  const token = randomUUID();
  const child = spawn(process.execPath, [path.join(upstreamDir, "http.js"), "--port", "0"], {
    env: { PATH: process.env.PATH, EXAMPLE_UPSTREAM_TOKEN: token, EXAMPLE_UPSTREAM_CALL_LOG: callLog },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const url = await listeningUrl(child);
    const connect = async (headers = { Authorization: `Bearer ${token}` }) => {
      const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
      const client = newClient();
      await client.connect(transport);
      return { client, transport };
    };
    const { client } = await connect();
    const pid = child.pid ?? -1;
    const stop = async () => {
      await client.close();
      await stopChild(child);
    };
    return { client, pid, callLog, url, token, child, connect, stderr: () => stderr, stop };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

async function listeningUrl(child: ChildProcess): Promise<string> {
  if (!child.stdout) throw new Error("http.js has no stdout");
  const exited = once(child, "exit").then(() => Promise.reject(new Error("http.js exited before listening")));
  const [line] = await Promise.race([once(createInterface({ input: child.stdout }), "line"), exited]);
  const match = /^listening (http:\/\/\S+\/mcp)$/.exec(String(line));
  if (!match?.[1]) throw new Error(`unexpected first stdout line: ${String(line)}`);
  return match[1];
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  await exited;
}

type ToolResult = Awaited<ReturnType<Client["callTool"]>>;

function textOf(result: ToolResult): string {
  const block = CallToolResultSchema.parse(result).content[0];
  if (block?.type !== "text") throw new Error(`expected a text result, got ${JSON.stringify(result)}`);
  return block.text;
}

function jsonOf<T>(result: ToolResult): T {
  expect(result.isError ?? false).toBe(false);
  return JSON.parse(textOf(result));
}

function readCallLog(file: string): CallLogEntry[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line): CallLogEntry => JSON.parse(line));
}

async function waitFor<T>(probe: () => T | null | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function postMcp(url: string, body: unknown, headers: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

describe.each([
  { transport: "stdio", start: startStdio },
  { transport: "streamable http", start: startHttp },
])("example upstream over $transport", ({ start }) => {
  let upstream: RunningUpstream;
  const call = (name: string, args: Record<string, unknown> = {}) =>
    upstream.client.callTool({ name, arguments: args });

  beforeAll(async () => {
    upstream = await start();
  });
  afterAll(() => upstream?.stop());

  it("lists all seven tools, each with a description and an input schema", async () => {
    const { tools } = await upstream.client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(ALL_TOOLS);
    for (const tool of tools) {
      expect(tool.description, tool.name).toMatch(/\w{3,}/);
      expect(tool.inputSchema.type).toBe("object");
    }
    const schemaOf = (name: string) => tools.find((tool) => tool.name === name)?.inputSchema;
    expect(schemaOf("run_diagnostics")?.required).toEqual(["duration_ms"]);
    expect(schemaOf("manage_hyperpod_stacks")?.properties?.operation).toMatchObject({
      enum: ["describe", "deploy", "delete", "batch_delete", "update"],
    });
  });

  it("create_api_key returns a fresh secret each time", async () => {
    const first = jsonOf<{ key_id: string; secret: string }>(
      await call("create_api_key", { name: "ci-bot" }),
    );
    const second = jsonOf<{ key_id: string; secret: string }>(
      await call("create_api_key", { name: "ci-bot", expires_in_days: 30 }),
    );
    expect(first).toEqual({
      key_id: expect.stringMatching(/^key-/),
      name: "ci-bot",
      secret: expect.stringMatching(/^sk-live-[0-9a-f]{32}$/),
    });
    expect(second.secret).not.toBe(first.secret);
    expect(second.key_id).not.toBe(first.key_id);
  });

  it("lists and describes the seeded endpoints, and reports an unknown one as a tool error", async () => {
    const endpoints = jsonOf<Endpoint[]>(await call("list_endpoints"));
    expect(endpoints.map((endpoint) => [endpoint.endpoint_name, endpoint.status])).toEqual([
      ["ep-alpha", "InService"],
      ["ep-beta", "Creating"],
    ]);
    expect(jsonOf(await call("describe_endpoint", { endpoint_name: "ep-alpha" }))).toMatchObject({
      endpoint_name: "ep-alpha",
      status: "InService",
    });
    const missing = await call("describe_endpoint", { endpoint_name: "ep-missing" });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toBe("Endpoint ep-missing not found");
  });

  it("delete_endpoint removes the endpoint from the state", async () => {
    expect(jsonOf(await call("delete_endpoint", { endpoint_name: "ep-beta" }))).toEqual({
      endpoint_name: "ep-beta",
      deleted: true,
    });
    const names = jsonOf<Endpoint[]>(await call("list_endpoints")).map((endpoint) => endpoint.endpoint_name);
    expect(names).toEqual(["ep-alpha"]);
    expect((await call("describe_endpoint", { endpoint_name: "ep-beta" })).isError).toBe(true);
    expect((await call("delete_endpoint", { endpoint_name: "ep-beta" })).isError).toBe(true);
  });

  it("manage_hyperpod_stacks deploys, updates and deletes in-memory stacks", async () => {
    const stacks = (args: Record<string, unknown>) => call("manage_hyperpod_stacks", args);
    expect(jsonOf(await stacks({ operation: "describe" }))).toEqual([
      expect.objectContaining({ stack_name: "hyperpod-demo" }),
    ]);
    await stacks({ operation: "deploy", stack_name: "hp-a", parameters: { nodes: 2, zone: "a" } });
    expect((await stacks({ operation: "deploy", stack_name: "hp-a" })).isError).toBe(true);
    expect(
      jsonOf(await stacks({ operation: "update", stack_name: "hp-a", parameters: { nodes: 4 } })),
    ).toMatchObject({ status: "UPDATE_COMPLETE", parameters: { nodes: 4, zone: "a" } });
    await stacks({ operation: "deploy", stack_name: "hp-b" });
    expect(jsonOf(await stacks({ operation: "delete", stack_name: "hp-b" }))).toMatchObject({
      status: "DELETE_COMPLETE",
    });
    expect(jsonOf(await stacks({ operation: "batch_delete", stack_names: ["hp-a", "hp-x"] }))).toEqual({
      deleted: ["hp-a"],
      not_found: ["hp-x"],
    });
    expect(textOf(await stacks({ operation: "describe", stack_name: "hp-a" }))).toBe("Stack hp-a not found");
    expect((await stacks({ operation: "deploy" })).isError).toBe(true);
  });

  it("echo returns small and large payloads unchanged", async () => {
    const small = { nested: { list: [1, "two", null, true] } };
    expect(jsonOf(await call("echo", { payload: small }))).toEqual(small);
    const large = { rows: Array.from({ length: 20_000 }, (_, id) => ({ id, label: "x".repeat(80) })) };
    expect(jsonOf(await call("echo", { payload: large }))).toEqual(large);
  });

  it("run_diagnostics reports progress after each step", async () => {
    const delivered: Progress[] = [];
    // The SDK client drops a progress notification read together with the response and reports
    // it through onerror (modelcontextprotocol/typescript-sdk#2580), so a late final step counts too.
    const reportedLate: number[] = [];
    upstream.client.onerror = (error) => {
      const late = /unknown token: .*"progress":(\d+)/.exec(error.message);
      if (late) reportedLate.push(Number(late[1]));
    };
    const startedAt = Date.now();
    try {
      const result = await upstream.client.callTool(
        { name: "run_diagnostics", arguments: { duration_ms: 300, steps: 3 } },
        undefined,
        { onprogress: (update) => delivered.push(update) },
      );
      expect(textOf(result)).toBe("diagnostics ok");
    } finally {
      upstream.client.onerror = undefined;
    }
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(290);
    expect(delivered.every((update) => update.total === 3)).toBe(true);
    expect([...delivered.map((update) => update.progress), ...reportedLate]).toEqual([1, 2, 3]);
  });

  it("run_diagnostics stops early when the caller aborts", async () => {
    const controller = new AbortController();
    const startedAt = Date.now();
    const running = upstream.client.callTool(
      { name: "run_diagnostics", arguments: { duration_ms: 6_000, steps: 60 } },
      undefined,
      { signal: controller.signal, onprogress: (update) => update.progress >= 2 && controller.abort() },
    );
    await expect(running).rejects.toThrow();
    const cancelled = await waitFor(() =>
      /run_diagnostics cancelled after (\d+)\/60 steps/.exec(upstream.stderr()),
    );
    expect(Number(cancelled[1])).toBeLessThan(10);
    expect(Date.now() - startedAt).toBeLessThan(6_000);
  });

  it("appends every tools/call to the call log before running it", async () => {
    const before = readCallLog(upstream.callLog).length;
    const startedAt = Date.now();
    const marker = randomUUID();
    await call("echo", { payload: { marker } });
    expect((await call("run_diagnostics", { duration_ms: 70_000 })).isError).toBe(true);
    const entries = readCallLog(upstream.callLog).slice(before);
    expect(entries).toEqual([
      { ts: expect.any(Number), pid: upstream.pid, tool: "echo", args: { payload: { marker } } },
      { ts: expect.any(Number), pid: upstream.pid, tool: "run_diagnostics", args: { duration_ms: 70_000 } },
    ]);
    for (const entry of entries) expect(entry.ts).toBeGreaterThanOrEqual(startedAt);

    let firstProgress = (): void => undefined;
    const progressed = new Promise<void>((resolve) => (firstProgress = resolve));
    const running = upstream.client.callTool(
      { name: "run_diagnostics", arguments: { duration_ms: 1_000, steps: 10 } },
      undefined,
      { onprogress: () => firstProgress() },
    );
    await progressed;
    expect(readCallLog(upstream.callLog).at(-1)).toMatchObject({
      tool: "run_diagnostics",
      args: { steps: 10 },
    });
    expect(textOf(await running)).toBe("diagnostics ok");
  });

  it("serves the endpoints resource and the troubleshoot prompt", async () => {
    const { resources } = await upstream.client.listResources();
    expect(resources).toContainEqual(
      expect.objectContaining({ uri: "sagemaker://endpoints", mimeType: "application/json" }),
    );
    const [content] = (await upstream.client.readResource({ uri: "sagemaker://endpoints" })).contents;
    const text = content && "text" in content ? content.text : "";
    expect(JSON.parse(text)).toContainEqual(expect.objectContaining({ endpoint_name: "ep-alpha" }));

    const { prompts } = await upstream.client.listPrompts();
    expect(prompts).toContainEqual(
      expect.objectContaining({
        name: "troubleshoot_endpoint",
        arguments: [expect.objectContaining({ name: "endpoint_name", required: true })],
      }),
    );
    const prompt = await upstream.client.getPrompt({
      name: "troubleshoot_endpoint",
      arguments: { endpoint_name: "ep-alpha" },
    });
    expect(prompt.messages[0]?.content).toMatchObject({
      type: "text",
      text: expect.stringContaining("ep-alpha is currently InService"),
    });
  });
});

describe("example upstream over streamable http: sessions and auth", () => {
  let upstream: HttpUpstream;
  const bearer = () => ({ Authorization: `Bearer ${upstream.token}` });

  beforeAll(async () => {
    upstream = await startHttp();
  });
  afterAll(() => upstream?.stop());

  it("answers 401 without the right bearer token", async () => {
    const missing = await postMcp(upstream.url, INITIALIZE, {});
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await postMcp(upstream.url, INITIALIZE, { Authorization: "Bearer wrong" })).status).toBe(401);
    await expect(upstream.connect({ Authorization: "Bearer wrong" })).rejects.toThrow();
    expect((await postMcp(upstream.url, INITIALIZE, bearer())).status).toBe(200);
  });

  it("answers 404 with a JSON-RPC error for an unknown session, and 400 without one", async () => {
    const listTools = { jsonrpc: "2.0", id: 2, method: "tools/list" };
    const unknown = await postMcp(upstream.url, listTools, { ...bearer(), "mcp-session-id": randomUUID() });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ jsonrpc: "2.0", error: { code: -32001 } });
    expect((await postMcp(upstream.url, listTools, bearer())).status).toBe(400);
  });

  it("DELETE ends the session", async () => {
    const { client, transport } = await upstream.connect();
    const sessionId = transport.sessionId;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    await transport.terminateSession();
    const after = await postMcp(
      upstream.url,
      { jsonrpc: "2.0", id: 3, method: "tools/list" },
      {
        ...bearer(),
        "mcp-session-id": sessionId ?? "",
      },
    );
    expect(after.status).toBe(404);
    await client.close();
  });

  it("shares the in-memory state between the sessions of one process", async () => {
    const other = await upstream.connect();
    const stackName = `shared-${randomUUID().slice(0, 8)}`;
    await other.client.callTool({
      name: "manage_hyperpod_stacks",
      arguments: { operation: "deploy", stack_name: stackName },
    });
    const described = await upstream.client.callTool({
      name: "manage_hyperpod_stacks",
      arguments: { operation: "describe", stack_name: stackName },
    });
    expect(jsonOf(described)).toMatchObject({ stack_name: stackName, status: "CREATE_COMPLETE" });
    await other.client.close();
  });

  it("exits with code 0 on SIGTERM while a session is open", async () => {
    const own = await startHttp();
    const exited = once(own.child, "exit");
    own.child.kill("SIGTERM");
    expect(await exited).toEqual([0, null]);
    await own.client.close();
  });
});
