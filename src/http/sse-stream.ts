import type { ServerResponse } from "node:http";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

/** Between comment frames on an open stream, so proxies do not drop it as idle (the SDK's default). */
export const sseKeepAliveMs = 15_000;

/**
 * One `text/event-stream` response carrying JSON-RPC messages, framed as the MCP SDK frames
 * them (`event: message`, one `data:` line), with keep-alive comments while it is open.
 */
export class SseStream {
  readonly #res: ServerResponse;
  readonly #keepAlive: NodeJS.Timeout;
  #ended = false;

  /** Sends the stream's headers at once, so the client knows the answer will stream. */
  constructor(res: ServerResponse, sessionId: string | undefined, keepAliveMs: number = sseKeepAliveMs) {
    this.#res = res;
    res.writeHead(200, sseHeaders(sessionId));
    res.flushHeaders();
    this.#keepAlive = setInterval(() => this.#write(": keepalive\n\n"), keepAliveMs);
    this.#keepAlive.unref();
    res.once("close", () => this.#stop());
  }

  /** False once the client went away or the stream was ended. */
  get open(): boolean {
    return !this.#ended && !this.#res.destroyed;
  }

  send(message: JSONRPCMessage): void {
    this.#write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
  }

  end(): void {
    if (this.#ended) return;
    this.#stop();
    this.#res.end();
  }

  #write(frame: string): void {
    if (this.open) this.#res.write(frame);
  }

  #stop(): void {
    this.#ended = true;
    clearInterval(this.#keepAlive);
  }
}

export function sseHeaders(sessionId: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Type": "text/event-stream",
    "Cache-Control": "no-cache, no-transform",
    Connection: "keep-alive",
    "X-Accel-Buffering": "no",
  };
  if (sessionId !== undefined) headers["mcp-session-id"] = sessionId;
  return headers;
}
