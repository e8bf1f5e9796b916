import type { IncomingMessage, ServerResponse } from "node:http";
import { isJsonContentType } from "@modelcontextprotocol/sdk/shared/mediaType.js";
import { SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/sdk/types.js";

/** Why the transport refuses an HTTP request: the status and the JSON-RPC error it answers with. */
export interface Refusal {
  readonly status: number;
  readonly code: number;
  readonly message: string;
}

/**
 * A POST must accept both JSON and an event stream (the server picks) and carry JSON. The
 * texts are the MCP SDK transport's, which clients may already match on.
 */
export function checkPostHeaders(req: IncomingMessage): Refusal | undefined {
  const accept = req.headers.accept;
  if (!accept?.includes("application/json") || !accept.includes("text/event-stream")) {
    return {
      status: 406,
      code: -32000,
      message: "Not Acceptable: Client must accept both application/json and text/event-stream",
    };
  }
  if (!isJsonContentType(req.headers["content-type"])) {
    return {
      status: 415,
      code: -32000,
      message: "Unsupported Media Type: Content-Type must be application/json",
    };
  }
  return undefined;
}

/** A GET opens the session's event stream, so it must accept one. */
export function checkStreamAccept(req: IncomingMessage): Refusal | undefined {
  if (req.headers.accept?.includes("text/event-stream")) return undefined;
  return { status: 406, code: -32000, message: "Not Acceptable: Client must accept text/event-stream" };
}

/** Every request after `initialize` names the session and, if at all, a supported protocol version. */
export function checkSession(
  req: IncomingMessage,
  initialized: boolean,
  sessionId: string | undefined,
): Refusal | undefined {
  if (!initialized) return { status: 400, code: -32000, message: "Bad Request: Server not initialized" };
  const offered = req.headers["mcp-session-id"];
  if (!offered) {
    return { status: 400, code: -32000, message: "Bad Request: Mcp-Session-Id header is required" };
  }
  if (offered !== sessionId) return { status: 404, code: -32001, message: "Session not found" };
  const version = req.headers["mcp-protocol-version"];
  if (version !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.includes(String(version))) {
    const supported = SUPPORTED_PROTOCOL_VERSIONS.join(", ");
    return {
      status: 400,
      code: -32000,
      message: `Bad Request: Unsupported protocol version: ${String(version)} (supported versions: ${supported})`,
    };
  }
  return undefined;
}

export function writeJsonError(res: ServerResponse, refusal: Refusal): void {
  res.writeHead(refusal.status, { "Content-Type": "application/json" });
  res.end(
    JSON.stringify({ jsonrpc: "2.0", error: { code: refusal.code, message: refusal.message }, id: null }),
  );
}
