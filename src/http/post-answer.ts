import type { ServerResponse } from "node:http";
import type { JSONRPCMessage, RequestId } from "@modelcontextprotocol/sdk/types.js";
import { SseStream } from "./sse-stream.js";

/**
 * How long the answer to a POST may wait to leave as one `application/json` body. A call
 * answered sooner, with nothing to stream before its result, costs one write and the client
 * a plain JSON parse; a call held longer (waiting for approval, a slow upstream) turns into
 * an event stream then, so the client sees the response start and keep-alive comments.
 */
export const jsonAnswerWindowMs = 200;

/**
 * The HTTP response to one POST that carried JSON-RPC requests. The Streamable HTTP
 * transport lets the server answer with either JSON or an SSE stream; this picks JSON when
 * every result is ready within the window and nothing else (progress, a server request) has
 * to be sent first, and an SSE stream otherwise. It ends once every request is answered.
 */
export class PostAnswer {
  readonly #res: ServerResponse;
  readonly #sessionId: string | undefined;
  readonly #results = new Map<RequestId, JSONRPCMessage | undefined>();
  readonly #timer: NodeJS.Timeout;
  #stream: SseStream | undefined;
  #finished = false;

  constructor(res: ServerResponse, requestIds: readonly RequestId[], sessionId: string | undefined) {
    this.#res = res;
    this.#sessionId = sessionId;
    for (const id of requestIds) this.#results.set(id, undefined);
    this.#timer = setTimeout(() => this.#streamNow(), jsonAnswerWindowMs);
    this.#timer.unref();
    res.once("close", () => clearTimeout(this.#timer));
  }

  /** False once the client went away: results for it can no longer be delivered. */
  get deliverable(): boolean {
    return !this.#res.destroyed && !this.#res.writableEnded;
  }

  /** A notification or request that belongs to one of this POST's requests: streamed at once. */
  relate(message: JSONRPCMessage): void {
    if (this.#finished) return;
    this.#streamNow().send(message);
  }

  /** The response to request `id`; returns true when it was the last one awaited. */
  answer(id: RequestId, message: JSONRPCMessage): boolean {
    this.#results.set(id, message);
    this.#stream?.send(message);
    if ([...this.#results.values()].some((result) => result === undefined)) return false;
    this.#finish();
    return true;
  }

  /** Ends the response whatever is still missing (the session is closing). */
  abandon(): void {
    if (this.#finished) return;
    this.#streamNow().end();
    this.#finished = true;
  }

  #streamNow(): SseStream {
    clearTimeout(this.#timer);
    this.#stream ??= new SseStream(this.#res, this.#sessionId);
    return this.#stream;
  }

  #finish(): void {
    this.#finished = true;
    clearTimeout(this.#timer);
    if (this.#stream) {
      this.#stream.end();
      return;
    }
    const results = [...this.#results.values()];
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    if (this.#sessionId !== undefined) headers["mcp-session-id"] = this.#sessionId;
    this.#res.writeHead(200, headers);
    this.#res.end(JSON.stringify(results.length === 1 ? results[0] : results));
  }
}
