import type { IncomingMessage, ServerResponse } from "node:http";
import express from "express";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { isInitializeRequest, isJSONRPCRequest } from "@modelcontextprotocol/sdk/types.js";
import type { Logger } from "pino";
import { describeError } from "../errors.js";
import type { CompiledPolicy } from "../policy/index.js";
import type { CallGate } from "../proxy/call-gate.js";
import { createSessionServer } from "../proxy/session-server.js";
import type { UpstreamConnection } from "../upstream/index.js";
import type { AgentDirectory } from "./agent-auth.js";
import { sendJsonRpcError } from "./json-rpc-errors.js";
import type { SessionRegistry } from "./mcp-sessions.js";
import { tagRequest } from "./request-id.js";

export interface McpEndpointOptions {
  readonly upstreams: ReadonlyMap<string, UpstreamConnection>;
  readonly agents: AgentDirectory;
  readonly sessions: SessionRegistry;
  readonly gate: CallGate;
  readonly policy: () => CompiledPolicy;
  readonly maxBodyBytes: number;
  readonly version: string;
  readonly logger: Logger;
}

/** Serves the requests that are its own; says false for every other, to go on to the next handler. */
export type McpEndpoint = (req: IncomingMessage, res: ServerResponse) => boolean;

/** How long a new session waits for its upstream, to offer what it offers. */
const upstreamWaitOnInitializeMs = 5_000;
/** `/mcp/<upstream>`, with or without a trailing slash or a query; case-insensitive, as express routes are. */
const endpointPath = /^\/mcp\/([^/?#]+)\/?(?:[?#]|$)/i;

/**
 * `/mcp/<upstream>`: the Streamable HTTP endpoint of each upstream. This layer only
 * authenticates, parses and routes to the agent's session; the MCP behaviour lives in the
 * session server and the call gate. It is served on Node's own request and response rather
 * than through express: express gives every request and response object a hidden class of
 * its own (it swaps their prototypes), which costs about 2 KB per call held for approval and
 * makes every property access on them megamorphic.
 */
export function createMcpEndpoint(options: McpEndpointOptions): McpEndpoint {
  const parseJson = express.json({ limit: options.maxBodyBytes, type: () => true });
  return (req, res) => {
    const upstreamName = upstreamNameOf(req.url);
    if (upstreamName === undefined) return false;
    const { logger } = tagRequest(req, res, options.logger);
    const upstream = options.upstreams.get(upstreamName);
    if (!upstream) {
      sendJsonRpcError(res, 404, -32601, `Unknown upstream "${upstreamName}"`);
      return true;
    }
    const agent = options.agents.authenticate(req.headers.authorization);
    if (!agent) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="mcp-approval-gateway"');
      sendJsonRpcError(res, 401, -32001, "Unauthorized: a valid agent bearer token is required");
      return true;
    }
    const serve = (body: unknown): void => {
      serveMcp(options, { upstream, agentId: agent.id, logger }, req, res, body).catch((error: unknown) => {
        logger.error({ err: describeError(error) }, "MCP request failed");
        if (!res.headersSent) sendJsonRpcError(res, 500, -32603, "Internal error");
      });
    };
    if (req.method !== "POST") {
      serve(undefined);
      return true;
    }
    // body-parser works on Node's own request: it sets `body`, or reports why it could not.
    parseJson(req as express.Request, res as express.Response, (error?: unknown) => {
      if (error) refuseBody(error, res, logger);
      else serve((req as IncomingMessage & { body?: unknown }).body);
    });
    return true;
  };
}

interface Caller {
  readonly upstream: UpstreamConnection;
  readonly agentId: string;
  readonly logger: Logger;
}

async function serveMcp(
  options: McpEndpointOptions,
  caller: Caller,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
): Promise<void> {
  const sessionId = req.headers["mcp-session-id"];
  if (typeof sessionId === "string") {
    const session = options.sessions.find(sessionId, caller.agentId, caller.upstream.name);
    if (!session) {
      sendJsonRpcError(res, 404, -32001, "Session not found");
      return;
    }
    cancelOnDisconnect(session.transport, body, res);
    await session.transport.handleRequest(req, res, body);
    return;
  }
  if (req.method !== "POST" || !isInitialize(body)) {
    sendJsonRpcError(res, 400, -32000, "Bad Request: No valid session ID provided");
    return;
  }
  await openSession(options, caller, req, res, body);
}

async function openSession(
  options: McpEndpointOptions,
  { upstream, agentId }: Caller,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
): Promise<void> {
  await upstream.ready(upstreamWaitOnInitializeMs).catch(() => undefined);
  const server = createSessionServer({
    upstream,
    agentId,
    gate: options.gate,
    policy: options.policy,
    sessionId: () => transport.sessionId,
    version: options.version,
  });
  const transport = options.sessions.createTransport({ agentId, upstream: upstream.name }, () => server);
  await server.connect(transport);
  await transport.handleRequest(req, res, body);
}

/**
 * A client that drops the stream a request's answer would come on can never receive it
 * (this gateway keeps no event store for resumption), so the request is cancelled as if
 * the client had sent `notifications/cancelled`: a held approval is withdrawn rather than
 * executed for nobody.
 */
function cancelOnDisconnect(transport: Transport, body: unknown, res: ServerResponse): void {
  const requestIds = (Array.isArray(body) ? body : [body])
    .filter(isJSONRPCRequest)
    .map((request) => request.id);
  if (requestIds.length === 0) return;
  res.on("close", () => {
    if (res.writableFinished) return;
    for (const requestId of requestIds) {
      transport.onmessage?.({
        jsonrpc: "2.0",
        method: "notifications/cancelled",
        params: { requestId, reason: "the client closed the connection" },
      });
    }
  });
}

function isInitialize(body: unknown): boolean {
  return Array.isArray(body)
    ? body.some((message) => isInitializeRequest(message))
    : isInitializeRequest(body);
}

function upstreamNameOf(url: string | undefined): string | undefined {
  const encoded = endpointPath.exec(url ?? "")?.[1];
  if (encoded === undefined) return undefined;
  try {
    return decodeURIComponent(encoded);
  } catch {
    // Not a name any upstream can have; answered as an unknown upstream.
    return encoded;
  }
}

/** Oversized and malformed bodies get JSON-RPC errors, never an HTML page or a hang. */
function refuseBody(error: unknown, res: ServerResponse, logger: Logger): void {
  const type = (error as { type?: string } | undefined)?.type;
  if (type === "entity.too.large") {
    sendJsonRpcError(res, 413, -32600, "Request body too large");
    return;
  }
  if (type === "entity.parse.failed") {
    sendJsonRpcError(res, 400, -32700, "Parse error: the body is not valid JSON");
    return;
  }
  const status = (error as { status?: unknown } | undefined)?.status;
  if (typeof status === "number" && status >= 400 && status < 500) {
    sendJsonRpcError(res, status, -32600, `Bad request body: ${describeError(error)}`);
    return;
  }
  logger.error({ err: describeError(error) }, "reading an MCP request body failed");
  sendJsonRpcError(res, 500, -32603, "Internal error");
}
