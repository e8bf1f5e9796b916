import http from "node:http";
import https from "node:https";
import { finished } from "node:stream";
import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  isInitializedNotification,
  isJSONRPCResultResponse,
  JSONRPCMessageSchema,
  type JSONRPCMessage,
} from "@modelcontextprotocol/sdk/types.js";
import { followedRedirect, isSuccess, mediaTypeOf, readBody } from "./http-responses.js";
import { SseParser, type ServerSentEvent } from "./sse-parser.js";

export interface UpstreamHttpTransportOptions {
  readonly url: URL;
  /** Sent with every request, e.g. `Authorization`. */
  readonly headers: Readonly<Record<string, string>>;
}

/** How a lost standalone stream is reopened: the SDK client transport's defaults. */
const reconnection = { initialDelayMs: 1_000, maxDelayMs: 30_000, growFactor: 1.5, maxRetries: 2 };
/**
 * Idle keep-alive connections are closed before a typical server's 5 s keep-alive timeout
 * (or 1 s before the one the server announces), so a request rarely meets a closing socket.
 */
const idleSocketMs = 4_000;

interface StreamOptions {
  /** The standalone GET stream is reopened when it ends; a POST answer only if resumable. */
  readonly reconnectable: boolean;
  /** The request a resumed POST stream answers, whose id the replayed response must carry. */
  readonly replayMessageId?: string | number;
}

/**
 * The MCP Streamable HTTP client transport, on `node:http` with keep-alive connections. It
 * speaks the protocol as the SDK's `StreamableHTTPClientTransport` does (session and
 * protocol-version headers, JSON or SSE answers, the standalone GET stream and its
 * reconnection, same-origin redirects, `StreamableHTTPError` for HTTP failures) without
 * `fetch` and web streams, whose per-request cost dominated the gateway's allow path: each
 * request is one write (headers and body together), and SSE answers are parsed as they arrive.
 */
export class UpstreamHttpTransport implements Transport {
  onclose?: Transport["onclose"];
  onerror?: Transport["onerror"];
  onmessage?: Transport["onmessage"];
  sessionId: string | undefined;
  #protocolVersion: string | undefined;
  #serverRetryMs: number | undefined;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #started = false;
  #closed = false;
  #delivery: Promise<void> = Promise.resolve();
  readonly #agent: http.Agent;
  readonly #requests = new Set<http.ClientRequest>();

  constructor(private readonly options: UpstreamHttpTransportOptions) {
    const agentOptions = { keepAlive: true, timeout: idleSocketMs };
    this.#agent =
      options.url.protocol === "https:" ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  }

  async start(): Promise<void> {
    if (this.#started) throw new Error("UpstreamHttpTransport already started");
    this.#started = true;
  }

  setProtocolVersion(version: string): void {
    this.#protocolVersion = version;
  }

  async send(message: JSONRPCMessage): Promise<void> {
    try {
      await this.#post(message);
    } catch (error) {
      this.onerror?.(asError(error));
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#reconnectTimer);
    for (const request of this.#requests) request.destroy(new Error("the transport was closed"));
    this.#requests.clear();
    this.#agent.destroy();
    this.onclose?.();
  }

  async #post(message: JSONRPCMessage): Promise<void> {
    const response = await this.#request("POST", {
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify(message),
    });
    const sessionId = response.headers["mcp-session-id"];
    if (typeof sessionId === "string" && sessionId) this.sessionId = sessionId;
    if (!isSuccess(response)) {
      const text = await readBody(response).catch(() => null);
      throw new StreamableHTTPError(response.statusCode, `Error POSTing to endpoint: ${text}`);
    }
    // The SDK's Protocol sends well-formed messages: one with an id and a method is a request.
    if (response.statusCode === 202 || !("method" in message && "id" in message)) {
      response.resume();
      if (response.statusCode === 202 && isInitializedNotification(message)) this.#openStandaloneStream();
      return;
    }
    const mediaType = mediaTypeOf(response);
    if (mediaType === "text/event-stream") {
      this.#consumeEvents(response, { reconnectable: false });
    } else if (mediaType === "application/json") {
      const data: unknown = JSON.parse(await readBody(response));
      for (const item of Array.isArray(data) ? data : [data]) {
        this.onmessage?.(JSONRPCMessageSchema.parse(item));
      }
    } else {
      response.resume();
      const contentType = response.headers["content-type"];
      throw new StreamableHTTPError(-1, `Unexpected content type: ${contentType}`);
    }
  }

  /** Opens the GET stream on which the server sends what belongs to no request; optional for servers. */
  #openStandaloneStream(resumeAfter?: string, replayMessageId?: string | number, attempt = 0): void {
    this.#startStandaloneStream(resumeAfter, replayMessageId).catch((error: unknown) => {
      this.onerror?.(asError(error));
      if (attempt > 0) this.#scheduleReconnection(resumeAfter, replayMessageId, attempt);
    });
  }

  async #startStandaloneStream(resumeAfter?: string, replayMessageId?: string | number): Promise<void> {
    const headers: Record<string, string> = { accept: "text/event-stream" };
    if (resumeAfter !== undefined) headers["last-event-id"] = resumeAfter;
    const response = await this.#request("GET", { headers });
    if (!isSuccess(response)) {
      response.resume();
      // 405: the server offers no standalone stream, which the protocol allows.
      if (response.statusCode === 405) return;
      const reason = response.statusMessage ?? String(response.statusCode);
      throw new StreamableHTTPError(response.statusCode, `Failed to open SSE stream: ${reason}`);
    }
    this.#consumeEvents(response, { reconnectable: true, replayMessageId });
  }

  #scheduleReconnection(
    resumeAfter: string | undefined,
    replayMessageId: string | number | undefined,
    attempt: number,
  ): void {
    if (this.#closed) return;
    if (attempt >= reconnection.maxRetries) {
      this.onerror?.(new Error(`Maximum reconnection attempts (${reconnection.maxRetries}) exceeded.`));
      return;
    }
    const delay =
      this.#serverRetryMs ??
      Math.min(reconnection.initialDelayMs * reconnection.growFactor ** attempt, reconnection.maxDelayMs);
    this.#reconnectTimer = setTimeout(
      () => this.#openStandaloneStream(resumeAfter, replayMessageId, attempt + 1),
      delay,
    );
  }

  /** Delivers the messages of an SSE body as they arrive, and reconnects when the stream may resume. */
  #consumeEvents(response: http.IncomingMessage, stream: StreamOptions): void {
    let lastEventId: string | undefined;
    let receivedResponse = false;
    const parser = new SseParser({
      onRetry: (retryMs) => {
        this.#serverRetryMs = retryMs;
      },
      onEvent: (event) => {
        if (event.id !== undefined) lastEventId = event.id;
        const message = this.#messageOf(event, stream.replayMessageId);
        if (!message) return;
        if (isJSONRPCResultResponse(message)) receivedResponse = true;
        this.#deliverInTurn(message);
      },
    });
    response.setEncoding("utf8");
    response.on("data", (chunk: string) => parser.push(chunk));
    finished(response, (error) => {
      if (this.#closed) return;
      if (error) this.onerror?.(new Error(`SSE stream disconnected: ${error.message}`));
      // A stream can be resumed when it is the standalone one or the server gave event ids;
      // once the answer arrived there is nothing left to resume.
      const canResume = stream.reconnectable || lastEventId !== undefined;
      if (canResume && !receivedResponse) this.#scheduleReconnection(lastEventId, stream.replayMessageId, 0);
    });
  }

  /** The JSON-RPC message an event carries, if it is a message event with a valid one. */
  #messageOf(
    event: ServerSentEvent,
    replayMessageId: string | number | undefined,
  ): JSONRPCMessage | undefined {
    if (!event.data || event.event !== "message") return undefined;
    try {
      const message = JSONRPCMessageSchema.parse(JSON.parse(event.data));
      if (replayMessageId !== undefined && isJSONRPCResultResponse(message)) message.id = replayMessageId;
      return message;
    } catch (error) {
      this.onerror?.(asError(error));
      return undefined;
    }
  }

  /**
   * Hands messages to the client one per microtask turn, in order. Events that arrive in one
   * chunk would otherwise be delivered in one synchronous burst, and the SDK's Protocol runs
   * notification handlers a turn later while it settles a result at once: the progress sent
   * just before a result would reach a request that had already ended.
   */
  #deliverInTurn(message: JSONRPCMessage): void {
    this.#delivery = this.#delivery.then(() => {
      try {
        this.onmessage?.(message);
      } catch (error) {
        this.onerror?.(asError(error));
      }
    });
  }

  /** Sends one request, following redirects that stay within the upstream's origin. */
  async #request(
    method: "GET" | "POST",
    request: { headers: Record<string, string>; body?: string },
  ): Promise<http.IncomingMessage> {
    let url = this.options.url;
    for (let redirects = 0; ; redirects += 1) {
      const response = await this.#send(url, method, request);
      const target = redirects < maxRedirects ? followedRedirect(response, url, method) : undefined;
      if (!target) return response;
      response.resume();
      url = target;
    }
  }

  #send(
    url: URL,
    method: string,
    request: { headers: Record<string, string>; body?: string },
    retried = false,
  ): Promise<http.IncomingMessage> {
    if (this.#closed) return Promise.reject(new Error("the transport was closed"));
    const headers = { ...this.#sessionHeaders(), ...this.options.headers, ...request.headers };
    if (request.body !== undefined) headers["content-length"] = String(Buffer.byteLength(request.body));
    const send = url.protocol === "https:" ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const outgoing = send(url, { method, headers, agent: this.#agent }, resolve);
      this.#requests.add(outgoing);
      outgoing.once("close", () => this.#requests.delete(outgoing));
      outgoing.on("error", (error: NodeJS.ErrnoException) => {
        // A kept-alive connection the server closed just as it was reused never carried the
        // request: sending it once more on a fresh connection is safe.
        if (!retried && outgoing.reusedSocket && isConnectionReset(error) && !this.#closed) {
          resolve(this.#send(url, method, request, true));
        } else {
          reject(error);
        }
      });
      outgoing.end(request.body);
    });
  }

  #sessionHeaders(): Record<string, string> {
    const headers: Record<string, string> = {};
    if (this.sessionId) headers["mcp-session-id"] = this.sessionId;
    if (this.#protocolVersion) headers["mcp-protocol-version"] = this.#protocolVersion;
    return headers;
  }
}

const maxRedirects = 5;

function isConnectionReset(error: NodeJS.ErrnoException): boolean {
  return error.code === "ECONNRESET" || error.code === "EPIPE";
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
