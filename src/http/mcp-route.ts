import express, { type NextFunction, type Request, type Response, type Router } from "express";
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

export interface McpRouteOptions {
  readonly upstreams: ReadonlyMap<string, UpstreamConnection>;
  readonly agents: AgentDirectory;
  readonly sessions: SessionRegistry;
  readonly gate: CallGate;
  readonly policy: () => CompiledPolicy;
  readonly maxBodyBytes: number;
  readonly version: string;
  readonly logger: Logger;
}

/** How long a new session waits for its upstream, to offer what it offers. */
const upstreamWaitOnInitializeMs = 5_000;

/**
 * `/mcp/:upstream`: the Streamable HTTP endpoint of each upstream. This layer only
 * authenticates, parses and routes to the agent's session; the MCP behaviour lives in
 * the session server and the call gate.
 */
export function createMcpRouter(options: McpRouteOptions): Router {
  const router = express.Router();
  const parseJson = express.json({ limit: options.maxBodyBytes, type: () => true });

  router.all("/mcp/:upstream", (req, res, next) => {
    const upstream = options.upstreams.get(String(req.params.upstream));
    if (!upstream) {
      sendJsonRpcError(res, 404, -32601, `Unknown upstream "${String(req.params.upstream)}"`);
      return;
    }
    const agent = options.agents.authenticate(req.get("authorization"));
    if (!agent) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="mcp-approval-gateway"');
      sendJsonRpcError(res, 401, -32001, "Unauthorized: a valid agent bearer token is required");
      return;
    }
    res.locals.upstream = upstream;
    res.locals.agentId = agent.id;
    if (req.method === "POST") parseJson(req, res, next);
    else next();
  });

  router.all("/mcp/:upstream", async (req, res) => {
    const upstream = res.locals.upstream as UpstreamConnection;
    const agentId = res.locals.agentId as string;
    const sessionId = req.get("mcp-session-id");
    try {
      if (sessionId) {
        const session = options.sessions.find(sessionId, agentId, upstream.name);
        if (!session) {
          sendJsonRpcError(res, 404, -32001, "Session not found");
          return;
        }
        cancelOnDisconnect(session.transport, req.body, res);
        await session.transport.handleRequest(req, res, req.body);
        return;
      }
      if (req.method !== "POST" || !isInitialize(req.body)) {
        sendJsonRpcError(res, 400, -32000, "Bad Request: No valid session ID provided");
        return;
      }
      await openSession(options, upstream, agentId, req, res);
    } catch (error) {
      const logger = (res.locals.logger as Logger | undefined) ?? options.logger;
      logger.error({ err: describeError(error) }, "MCP request failed");
      if (!res.headersSent) sendJsonRpcError(res, 500, -32603, "Internal error");
    }
  });

  router.use("/mcp/:upstream", bodyErrorHandler);
  return router;
}

async function openSession(
  options: McpRouteOptions,
  upstream: UpstreamConnection,
  agentId: string,
  req: Request,
  res: Response,
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
  await transport.handleRequest(req, res, req.body);
}

/**
 * A client that drops the stream a request's answer would come on can never receive it
 * (this gateway keeps no event store for resumption), so the request is cancelled as if
 * the client had sent `notifications/cancelled`: a held approval is withdrawn rather than
 * executed for nobody.
 */
function cancelOnDisconnect(transport: Transport, body: unknown, res: Response): void {
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

/** Oversized and malformed bodies get JSON-RPC errors, never an HTML page or a hang. */
function bodyErrorHandler(error: unknown, _req: Request, res: Response, next: NextFunction): void {
  const type = (error as { type?: string } | undefined)?.type;
  if (type === "entity.too.large") {
    sendJsonRpcError(res, 413, -32600, "Request body too large");
    return;
  }
  if (type === "entity.parse.failed") {
    sendJsonRpcError(res, 400, -32700, "Parse error: the body is not valid JSON");
    return;
  }
  next(error);
}
