import { LATEST_PROTOCOL_VERSION } from "@modelcontextprotocol/sdk/types.js";

/** What the gateway answered to one raw HTTP request. */
export interface RawReply {
  readonly status: number;
  /** The JSON-RPC messages in the body, whether sent as JSON or as a server-sent event stream. */
  readonly messages: readonly Record<string, unknown>[];
  readonly text: string;
}

/**
 * An MCP session driven with hand-written request bodies, for what the SDK client would never
 * send: malformed JSON-RPC, bodies too deep for `JSON.stringify`, huge payloads.
 */
export interface RawMcpSession {
  readonly sessionId: string;
  /** POSTs `body` exactly as given, on this session. */
  post(body: string): Promise<RawReply>;
}

/** The Accept header Streamable HTTP requires on every POST. */
export const mcpAccept = "application/json, text/event-stream";

/** An `initialize` request as a client without the SDK sends it. */
export const initializeRequest = {
  jsonrpc: "2.0",
  id: 0,
  method: "initialize",
  params: {
    protocolVersion: LATEST_PROTOCOL_VERSION,
    capabilities: {},
    clientInfo: { name: "raw-client", version: "1.0.0" },
  },
} as const;

export async function postRaw(url: string, body: string, headers: Record<string, string>): Promise<RawReply> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: mcpAccept, ...headers },
    body,
  });
  const text = await response.text();
  return { status: response.status, messages: parseMessages(text), text };
}

/** Initializes a session on `/mcp/<upstream>` with the agent's token. */
export async function openRawSession(mcpUrl: string, token: string): Promise<RawMcpSession> {
  const auth = { authorization: `Bearer ${token}` };
  const initialize = JSON.stringify(initializeRequest);
  const response = await fetch(mcpUrl, {
    method: "POST",
    headers: { "content-type": "application/json", accept: mcpAccept, ...auth },
    body: initialize,
  });
  await response.text();
  const sessionId = response.headers.get("mcp-session-id");
  if (!response.ok || !sessionId) throw new Error(`initialize failed with HTTP ${response.status}`);
  const sessionHeaders = {
    ...auth,
    "mcp-session-id": sessionId,
    "mcp-protocol-version": LATEST_PROTOCOL_VERSION,
  };
  await postRaw(
    mcpUrl,
    JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
    sessionHeaders,
  );
  return { sessionId, post: (body) => postRaw(mcpUrl, body, sessionHeaders) };
}

/** A `tools/call` request whose arguments are given as JSON text, so any depth can be sent. */
export function toolCallBody(id: number, tool: string, argumentsJson: string): string {
  return `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":${JSON.stringify(tool)},"arguments":${argumentsJson}}}`;
}

function parseMessages(text: string): Record<string, unknown>[] {
  const trimmed = text.trim();
  if (trimmed === "") return [];
  const payloads = trimmed.startsWith("{") || trimmed.startsWith("[") ? [trimmed] : sseData(trimmed);
  return payloads.flatMap((payload) => {
    try {
      const parsed: unknown = JSON.parse(payload);
      return (Array.isArray(parsed) ? parsed : [parsed]).filter(isRecord);
    } catch {
      return [];
    }
  });
}

function sseData(stream: string): string[] {
  return stream
    .split(/\r?\n\r?\n/)
    .map((event) =>
      event
        .split(/\r?\n/)
        .filter((line) => line.startsWith("data:"))
        .map((line) => line.slice("data:".length).trimStart())
        .join("\n"),
    )
    .filter((data) => data !== "");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
