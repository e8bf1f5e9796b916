import { randomBytes } from "node:crypto";
import { appendFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";

/**
 * @typedef {{ endpoint_name: string, status: string, instance_type: string, created_at: string }} Endpoint
 * @typedef {{ stack_name: string, status: string, parameters: Record<string, unknown>, updated_at: string }} Stack
 * @typedef {{ key_id: string, name: string, expires_at: string | null }} ApiKey
 * @typedef {{ endpoints: Map<string, Endpoint>, stacks: Map<string, Stack>, apiKeys: Map<string, ApiKey> }} SageMakerState
 * @typedef {import("@modelcontextprotocol/sdk/types.js").CallToolResult} CallToolResult
 * @typedef {import("@modelcontextprotocol/sdk/shared/transport.js").Transport} Transport
 */

const SERVER_INFO = { name: "example-sagemaker", version: "0.1.0" };
const DAY_MS = 24 * 60 * 60 * 1000;

/** A fresh account: two endpoints and one HyperPod stack. */
export function createSageMakerState() {
  const created_at = new Date().toISOString();
  /** @type {Endpoint[]} */
  const endpoints = [
    { endpoint_name: "ep-alpha", status: "InService", instance_type: "ml.g5.xlarge", created_at },
    { endpoint_name: "ep-beta", status: "Creating", instance_type: "ml.m5.large", created_at },
  ];
  const stack = newStack("hyperpod-demo", {}, "CREATE_COMPLETE");
  return {
    endpoints: new Map(endpoints.map((endpoint) => [endpoint.endpoint_name, endpoint])),
    stacks: new Map([[stack.stack_name, stack]]),
    apiKeys: new Map(),
  };
}

// Every session of one process sees the same account, as clients of a real region would.
const processState = createSageMakerState();

/**
 * The example SageMaker-shaped MCP server.
 * @param {{ state?: SageMakerState, callLogPath?: string }} [options]
 *   `callLogPath` defaults to env EXAMPLE_UPSTREAM_CALL_LOG; when set, every `tools/call` that
 *   reaches this server is appended there as one JSON line before it runs.
 * @returns {McpServer}
 */
export function createUpstreamServer(options = {}) {
  const state = options.state ?? processState;
  const server = new ToolCallRecordingServer(options.callLogPath ?? process.env.EXAMPLE_UPSTREAM_CALL_LOG);
  registerApiKeyTool(server, state);
  registerEndpointTools(server, state);
  registerStackTool(server, state);
  registerDiagnosticsTool(server);
  registerEchoTool(server);
  registerEndpointsResource(server, state);
  registerTroubleshootPrompt(server, state);
  return server;
}

class ToolCallRecordingServer extends McpServer {
  /** @type {string | undefined} */
  #callLogPath;

  /** @param {string | undefined} callLogPath */
  constructor(callLogPath) {
    super(SERVER_INFO);
    this.#callLogPath = callLogPath || undefined;
  }

  /** @param {Transport} transport */
  async connect(transport) {
    if (this.#callLogPath) recordToolCalls(transport, this.#callLogPath);
    await super.connect(transport);
  }
}

/**
 * The protocol layer chains an `onmessage` set before it connects, so this sees each raw request
 * (including ones it will reject) before any handler runs.
 * @param {Transport} transport
 * @param {string} callLogPath
 */
function recordToolCalls(transport, callLogPath) {
  const previous = transport.onmessage;
  transport.onmessage = (message, extra) => {
    if ("method" in message && message.method === "tools/call" && "id" in message) {
      const params = message.params ?? {};
      const entry = { ts: Date.now(), pid: process.pid, tool: params.name, args: params.arguments ?? {} };
      appendFileSync(callLogPath, `${JSON.stringify(entry)}\n`);
    }
    previous?.(message, extra);
  };
}

/**
 * @param {string} stack_name @param {Record<string, unknown>} parameters @param {string} status
 * @returns {Stack}
 */
function newStack(stack_name, parameters, status) {
  return { stack_name, status, parameters, updated_at: new Date().toISOString() };
}

/** @param {unknown} value @returns {CallToolResult} */
const jsonResult = (value) => ({ content: [{ type: "text", text: JSON.stringify(value) }] });

/** @param {string} message @returns {CallToolResult} */
const errorResult = (message) => ({ content: [{ type: "text", text: message }], isError: true });

/** @param {McpServer} server @param {SageMakerState} state */
function registerApiKeyTool(server, state) {
  server.registerTool(
    "create_api_key",
    {
      description: "Create an API key for invoking SageMaker endpoints. The secret is shown only once.",
      inputSchema: { name: z.string().min(1), expires_in_days: z.number().int().positive().optional() },
    },
    ({ name, expires_in_days: days }) => {
      const key_id = `key-${randomBytes(8).toString("hex")}`;
      const expires_at = days ? new Date(Date.now() + days * DAY_MS).toISOString() : null;
      state.apiKeys.set(key_id, { key_id, name, expires_at });
      return jsonResult({ key_id, name, secret: `sk-live-${randomBytes(16).toString("hex")}` });
    },
  );
}

/** @param {McpServer} server @param {SageMakerState} state */
function registerEndpointTools(server, state) {
  /** @param {string} name */
  const notFound = (name) => errorResult(`Endpoint ${name} not found`);
  server.registerTool(
    "list_endpoints",
    {
      description: "List the SageMaker inference endpoints of the account.",
      annotations: { readOnlyHint: true },
    },
    () => jsonResult([...state.endpoints.values()]),
  );
  server.registerTool(
    "describe_endpoint",
    {
      description: "Describe one SageMaker inference endpoint.",
      inputSchema: { endpoint_name: z.string().min(1) },
      annotations: { readOnlyHint: true },
    },
    ({ endpoint_name }) => {
      const endpoint = state.endpoints.get(endpoint_name);
      return endpoint ? jsonResult(endpoint) : notFound(endpoint_name);
    },
  );
  server.registerTool(
    "delete_endpoint",
    {
      description: "Delete a SageMaker inference endpoint. This cannot be undone.",
      inputSchema: { endpoint_name: z.string().min(1) },
      annotations: { destructiveHint: true },
    },
    ({ endpoint_name }) =>
      state.endpoints.delete(endpoint_name)
        ? jsonResult({ endpoint_name, deleted: true })
        : notFound(endpoint_name),
  );
}

/**
 * @typedef {{ stack_name?: string, stack_names?: string[], parameters?: Record<string, unknown> }} StackRequest
 * @type {Record<string, (stacks: Map<string, Stack>, request: StackRequest) => CallToolResult>}
 */
const STACK_OPERATIONS = {
  describe: (stacks, { stack_name }) =>
    stack_name ? withStack(stacks, "describe", stack_name, jsonResult) : jsonResult([...stacks.values()]),
  deploy: (stacks, { stack_name, parameters = {} }) => {
    if (!stack_name) return errorResult("stack_name is required for deploy");
    if (stacks.has(stack_name)) return errorResult(`Stack ${stack_name} already exists`);
    const stack = newStack(stack_name, parameters, "CREATE_COMPLETE");
    stacks.set(stack_name, stack);
    return jsonResult(stack);
  },
  update: (stacks, { stack_name, parameters = {} }) =>
    withStack(stacks, "update", stack_name, (stack) => {
      const updated = newStack(stack.stack_name, { ...stack.parameters, ...parameters }, "UPDATE_COMPLETE");
      stacks.set(stack.stack_name, updated);
      return jsonResult(updated);
    }),
  delete: (stacks, { stack_name }) =>
    withStack(stacks, "delete", stack_name, (stack) => {
      stacks.delete(stack.stack_name);
      return jsonResult({ stack_name: stack.stack_name, status: "DELETE_COMPLETE" });
    }),
  batch_delete: (stacks, { stack_names = [] }) => {
    if (stack_names.length === 0) return errorResult("stack_names is required for batch_delete");
    const deleted = stack_names.filter((name) => stacks.delete(name));
    return jsonResult({ deleted, not_found: stack_names.filter((name) => !deleted.includes(name)) });
  },
};

/**
 * @param {Map<string, Stack>} stacks @param {string} operation @param {string | undefined} name
 * @param {(stack: Stack) => CallToolResult} use
 */
function withStack(stacks, operation, name, use) {
  if (!name) return errorResult(`stack_name is required for ${operation}`);
  const stack = stacks.get(name);
  return stack ? use(stack) : errorResult(`Stack ${name} not found`);
}

/** @param {McpServer} server @param {SageMakerState} state */
function registerStackTool(server, state) {
  server.registerTool(
    "manage_hyperpod_stacks",
    {
      description:
        "Describe, deploy, update or delete SageMaker HyperPod cluster stacks (CloudFormation). " +
        "describe without stack_name lists every stack; batch_delete takes stack_names.",
      inputSchema: {
        operation: z.enum(["describe", "deploy", "delete", "batch_delete", "update"]),
        stack_name: z.string().min(1).optional(),
        stack_names: z.array(z.string().min(1)).optional(),
        parameters: z.record(z.string(), z.unknown()).optional(),
      },
      annotations: { destructiveHint: true },
    },
    ({ operation, ...request }) => STACK_OPERATIONS[operation](state.stacks, request),
  );
}

/** @param {McpServer} server */
function registerDiagnosticsTool(server) {
  server.registerTool(
    "run_diagnostics",
    {
      description:
        "Run endpoint diagnostics for duration_ms, in `steps` steps, reporting progress after each step.",
      inputSchema: {
        duration_ms: z.number().min(0).max(60_000),
        steps: z.number().int().min(1).max(1000).default(5),
      },
      annotations: { readOnlyHint: true },
    },
    async ({ duration_ms, steps }, extra) => {
      const progressToken = extra._meta?.progressToken;
      for (let step = 1; step <= steps; step++) {
        try {
          await sleep(duration_ms / steps, undefined, { signal: extra.signal });
        } catch {
          const outcome = `cancelled after ${step - 1}/${steps} steps`;
          process.stderr.write(`[example-sagemaker] run_diagnostics ${outcome}\n`);
          return errorResult(`diagnostics ${outcome}`);
        }
        if (progressToken === undefined) continue;
        await extra.sendNotification({
          method: "notifications/progress",
          params: { progressToken, progress: step, total: steps, message: `step ${step}/${steps}` },
        });
      }
      return { content: [{ type: "text", text: "diagnostics ok" }] };
    },
  );
}

/** @param {McpServer} server */
function registerEchoTool(server) {
  server.registerTool(
    "echo",
    {
      description: "Return the given JSON payload unchanged.",
      inputSchema: { payload: z.unknown() },
      annotations: { readOnlyHint: true },
    },
    ({ payload }) => jsonResult(payload),
  );
}

/** @param {McpServer} server @param {SageMakerState} state */
function registerEndpointsResource(server, state) {
  server.registerResource(
    "endpoints",
    "sagemaker://endpoints",
    { description: "Every SageMaker inference endpoint of the account.", mimeType: "application/json" },
    (uri) => ({
      contents: [
        { uri: uri.href, mimeType: "application/json", text: JSON.stringify([...state.endpoints.values()]) },
      ],
    }),
  );
}

/** @param {McpServer} server @param {SageMakerState} state */
function registerTroubleshootPrompt(server, state) {
  server.registerPrompt(
    "troubleshoot_endpoint",
    {
      description: "Walk through troubleshooting one SageMaker endpoint.",
      argsSchema: { endpoint_name: z.string().min(1) },
    },
    ({ endpoint_name }) => {
      const status = state.endpoints.get(endpoint_name)?.status ?? "NotFound";
      const text =
        `SageMaker endpoint ${endpoint_name} is currently ${status}. ` +
        "Check its CloudWatch logs and recent deployments, then suggest the next step to restore it.";
      return { messages: [{ role: "user", content: { type: "text", text } }] };
    },
  );
}
