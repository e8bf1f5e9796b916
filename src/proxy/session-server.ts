import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  CompleteRequestSchema,
  CompleteResultSchema,
  GetPromptRequestSchema,
  GetPromptResultSchema,
  ListPromptsRequestSchema,
  ListPromptsResultSchema,
  ListResourcesRequestSchema,
  ListResourcesResultSchema,
  ListResourceTemplatesRequestSchema,
  ListResourceTemplatesResultSchema,
  ListToolsRequestSchema,
  ListToolsResultSchema,
  ReadResourceRequestSchema,
  ReadResourceResultSchema,
  type ServerCapabilities,
} from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";
import { requestIdOfHeaders } from "../http/request-id.js";
import { isToolHidden, type CompiledPolicy } from "../policy/index.js";
import type { UpstreamConnection } from "../upstream/index.js";
import type { CallGate } from "./call-gate.js";

export interface SessionServerOptions {
  readonly upstream: UpstreamConnection;
  readonly agentId: string;
  readonly gate: CallGate;
  readonly policy: () => CompiledPolicy;
  /** The gateway-assigned session id, known once the transport has initialised. */
  readonly sessionId: () => string | undefined;
  readonly version: string;
}

const upstreamReadyMs = 10_000;

/**
 * The MCP server one agent session talks to. It mirrors what the upstream offers (tools,
 * resources, prompts, completions), passes everything but `tools/call` straight through,
 * filters hidden tools out of `tools/list`, and hands every `tools/call` to the gate.
 */
export function createSessionServer(options: SessionServerOptions): Server {
  const { upstream } = options;
  const server = new Server(
    { name: `mcp-approval-gateway/${upstream.name}`, version: options.version },
    { capabilities: mirroredCapabilities(upstream.capabilities), instructions: upstream.instructions },
  );
  const relay = <T extends z.ZodType>(method: string, schema: T, params: unknown, signal: AbortSignal) =>
    upstream.request({ method, params: params as Record<string, unknown> | undefined }, schema, {
      signal,
      readyTimeoutMs: upstreamReadyMs,
    });

  server.setRequestHandler(ListToolsRequestSchema, async (request, extra) => {
    const listed = await relay("tools/list", ListToolsResultSchema, request.params, extra.signal);
    const policy = options.policy();
    const tools = listed.tools.filter(
      (tool) => !isToolHidden(policy, { upstream: upstream.name, tool: tool.name, agentId: options.agentId }),
    );
    return { ...listed, tools };
  });

  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const progressToken = request.params._meta?.progressToken;
    return options.gate.handle({
      requestId: String(extra.requestId),
      httpRequestId: requestIdOfHeaders(extra.requestInfo?.headers),
      upstream: upstream.name,
      tool: request.params.name,
      args: request.params.arguments ?? {},
      agentId: options.agentId,
      sessionId: options.sessionId(),
      signal: extra.signal,
      sendProgress:
        progressToken === undefined
          ? undefined
          : (progress) =>
              extra.sendNotification({
                method: "notifications/progress",
                params: { ...progress, progressToken },
              }),
    });
  });

  const capabilities = upstream.capabilities ?? {};
  if (capabilities.resources) {
    server.setRequestHandler(ListResourcesRequestSchema, (request, extra) =>
      relay("resources/list", ListResourcesResultSchema, request.params, extra.signal),
    );
    server.setRequestHandler(ListResourceTemplatesRequestSchema, (request, extra) =>
      relay("resources/templates/list", ListResourceTemplatesResultSchema, request.params, extra.signal),
    );
    server.setRequestHandler(ReadResourceRequestSchema, (request, extra) =>
      relay("resources/read", ReadResourceResultSchema, request.params, extra.signal),
    );
  }
  if (capabilities.prompts) {
    server.setRequestHandler(ListPromptsRequestSchema, (request, extra) =>
      relay("prompts/list", ListPromptsResultSchema, request.params, extra.signal),
    );
    server.setRequestHandler(GetPromptRequestSchema, (request, extra) =>
      relay("prompts/get", GetPromptResultSchema, request.params, extra.signal),
    );
  }
  if (capabilities.completions) {
    server.setRequestHandler(CompleteRequestSchema, (request, extra) =>
      relay("completion/complete", CompleteResultSchema, request.params, extra.signal),
    );
  }
  relayListChanges(server, upstream);
  return server;
}

/**
 * What the gateway offers its clients: tools always (even before the upstream is up), and
 * resources, prompts and completions when the upstream has them. Subscriptions and logging
 * stay off: the upstream connection is shared, so per-client subscriptions cannot be honoured.
 */
function mirroredCapabilities(upstream: ServerCapabilities | undefined): ServerCapabilities {
  const capabilities: ServerCapabilities = { tools: { listChanged: true } };
  if (upstream?.resources) capabilities.resources = { listChanged: true };
  if (upstream?.prompts) capabilities.prompts = { listChanged: true };
  if (upstream?.completions) capabilities.completions = {};
  return capabilities;
}

function relayListChanges(server: Server, upstream: UpstreamConnection): void {
  const relayed = new Set([
    "notifications/tools/list_changed",
    "notifications/resources/list_changed",
    "notifications/prompts/list_changed",
  ]);
  const unsubscribe = upstream.onNotification((notification) => {
    if (!relayed.has(notification.method) || !server.transport) return;
    void server.notification({ method: notification.method }).catch(() => undefined);
  });
  const previous = server.onclose;
  server.onclose = () => {
    unsubscribe();
    previous?.();
  };
}
