import type { IncomingMessage, ServerResponse } from "node:http";
import { MAX_BATCH_SIZE } from "@modelcontextprotocol/sdk/server/requestBody.js";
import type { Transport, TransportSendOptions } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  isInitializeRequest,
  JSONRPCMessageSchema,
  type JSONRPCMessage,
  type MessageExtraInfo,
  type RequestId,
} from "@modelcontextprotocol/sdk/types.js";
import {
  checkPostHeaders,
  checkSession,
  checkStreamAccept,
  writeJsonError,
  type Refusal,
} from "./mcp-http-checks.js";
import { PostAnswer } from "./post-answer.js";
import { SseStream } from "./sse-stream.js";

export interface McpHttpTransportOptions {
  readonly sessionIdGenerator: () => string;
  readonly onsessioninitialized?: (sessionId: string) => void;
  readonly onsessionclosed?: (sessionId: string) => void;
}

/**
 * The server side of the MCP Streamable HTTP transport for one session, on Node's own request
 * and response objects. It accepts and refuses what the SDK's `StreamableHTTPServerTransport`
 * does, with the same statuses and JSON-RPC errors, but writes responses directly instead of
 * through web `Request`/`Response` objects and streams, and answers a POST whose results are
 * ready quickly as plain JSON (see {@link PostAnswer}). No event store: streams are not resumable.
 */
export class McpHttpTransport implements Transport {
  sessionId: string | undefined;
  onclose?: Transport["onclose"];
  onerror?: Transport["onerror"];
  onmessage?: Transport["onmessage"];
  #started = false;
  #initialized = false;
  #closed = false;
  readonly #answers = new Map<RequestId, PostAnswer>();
  #standalone: SseStream | undefined;

  constructor(private readonly options: McpHttpTransportOptions) {}

  async start(): Promise<void> {
    if (this.#started) throw new Error("Transport already started");
    this.#started = true;
  }

  /** Handles one HTTP request of this session; `parsedBody` is the POST body already parsed. */
  async handleRequest(req: IncomingMessage, res: ServerResponse, parsedBody?: unknown): Promise<void> {
    if (this.#closed) return this.#refuse(res, { status: 404, code: -32001, message: "Session not found" });
    switch (req.method) {
      case "POST":
        return this.#handlePost(req, res, parsedBody);
      case "GET":
        return this.#handleGet(req, res);
      case "DELETE":
        return this.#handleDelete(req, res);
      default:
        res.setHeader("Allow", "GET, POST, DELETE");
        return this.#refuse(res, { status: 405, code: -32000, message: "Method not allowed." });
    }
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    // Messages from the SDK's Protocol are well formed: their keys tell their kind.
    const isResponse = "result" in message || "error" in message;
    const requestId = isResponse ? message.id : options?.relatedRequestId;
    if (requestId === undefined) {
      if (isResponse) throw new Error("Cannot send a response on a standalone SSE stream");
      this.#standalone?.send(message);
      return;
    }
    const answer = this.#answers.get(requestId);
    if (!isResponse) {
      answer?.relate(message);
      return;
    }
    this.#answers.delete(requestId);
    if (!answer?.deliverable)
      throw new Error(`No connection established for request ID: ${String(requestId)}`);
    answer.answer(requestId, message);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const answer of new Set(this.#answers.values())) answer.abandon();
    this.#answers.clear();
    this.#standalone?.end();
    this.#standalone = undefined;
    this.onclose?.();
  }

  async #handlePost(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    const refused = checkPostHeaders(req) ?? batchTooLarge(body);
    if (refused) return this.#refuse(res, refused);
    const messages = parseMessages(body);
    if (!messages) {
      return this.#refuse(res, {
        status: 400,
        code: -32700,
        message: "Parse error: Invalid JSON-RPC message",
      });
    }
    const opening = messages.some(
      (message) => "method" in message && message.method === "initialize" && isInitializeRequest(message),
    );
    const notAdmitted = opening ? this.#initialize(messages) : this.#checkSession(req);
    if (notAdmitted) return this.#refuse(res, notAdmitted);
    if (this.#closed) return this.#refuse(res, { status: 404, code: -32001, message: "Session not found" });

    const extra: MessageExtraInfo = { requestInfo: { headers: req.headers } };
    // Validated above: a message with both an id and a method is a request.
    const requestIds = messages.flatMap((message) =>
      "method" in message && "id" in message ? [message.id] : [],
    );
    if (requestIds.length === 0) {
      for (const message of messages) this.onmessage?.(message, extra);
      res.writeHead(202).end();
      return;
    }
    const answer = new PostAnswer(res, requestIds, this.sessionId);
    for (const id of requestIds) this.#answers.set(id, answer);
    for (const message of messages) this.onmessage?.(message, extra);
  }

  #initialize(messages: readonly JSONRPCMessage[]): Refusal | undefined {
    if (this.#initialized && this.sessionId !== undefined) {
      return { status: 400, code: -32600, message: "Invalid Request: Server already initialized" };
    }
    if (messages.length > 1) {
      return {
        status: 400,
        code: -32600,
        message: "Invalid Request: Only one initialization request is allowed",
      };
    }
    this.sessionId = this.options.sessionIdGenerator();
    this.#initialized = true;
    this.options.onsessioninitialized?.(this.sessionId);
    return undefined;
  }

  #checkSession(req: IncomingMessage): Refusal | undefined {
    return checkSession(req, this.#initialized, this.sessionId);
  }

  async #handleGet(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refused = checkStreamAccept(req) ?? this.#checkSession(req);
    if (refused) return this.#refuse(res, refused);
    if (this.#standalone?.open) {
      return this.#refuse(res, {
        status: 409,
        code: -32000,
        message: "Conflict: Only one SSE stream is allowed per session",
      });
    }
    const stream = new SseStream(res, this.sessionId);
    this.#standalone = stream;
    res.once("close", () => {
      if (this.#standalone === stream) this.#standalone = undefined;
    });
  }

  async #handleDelete(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refused = this.#checkSession(req);
    if (refused) return this.#refuse(res, refused);
    try {
      if (this.sessionId !== undefined) this.options.onsessionclosed?.(this.sessionId);
      res.writeHead(200).end();
    } finally {
      await this.close();
    }
  }

  #refuse(res: ServerResponse, refusal: Refusal): void {
    this.onerror?.(new Error(refusal.message));
    writeJsonError(res, refusal);
  }
}

function batchTooLarge(body: unknown): Refusal | undefined {
  if (!Array.isArray(body) || body.length <= MAX_BATCH_SIZE) return undefined;
  return {
    status: 400,
    code: -32600,
    message: `Invalid Request: Batch must not exceed ${MAX_BATCH_SIZE} messages`,
  };
}

/** The body's JSON-RPC messages, or undefined when one of them is not a JSON-RPC message. */
function parseMessages(body: unknown): JSONRPCMessage[] | undefined {
  const items = Array.isArray(body) ? body : [body];
  const messages: JSONRPCMessage[] = [];
  for (const item of items) {
    const parsed = JSONRPCMessageSchema.safeParse(item);
    if (!parsed.success) return undefined;
    messages.push(parsed.data);
  }
  return messages;
}
