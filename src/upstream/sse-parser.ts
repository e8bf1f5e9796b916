/** One dispatched server-sent event. */
export interface ServerSentEvent {
  /** The `event:` field; "message" when the event named none. */
  readonly event: string;
  readonly data: string;
  /** The last `id:` seen on the stream so far, if any. */
  readonly id: string | undefined;
}

export interface SseParserHandlers {
  readonly onEvent: (event: ServerSentEvent) => void;
  /** A `retry:` field: how long the server asks a client to wait before reconnecting. */
  readonly onRetry?: (retryMs: number) => void;
}

/**
 * An incremental parser for a `text/event-stream` body, as the HTML standard defines it: lines
 * end in CR, LF or CRLF; `data:` lines accumulate; a blank line dispatches; comments (lines
 * starting with `:`) are skipped; an event without data is not dispatched. Feed it decoded
 * text in chunks of any size (a chunk may end inside a line or between CR and LF).
 */
export class SseParser {
  #buffer = "";
  #skipLeadingLineFeed = false;
  #atStart = true;
  #eventType = "";
  #data: string[] = [];
  #lastEventId: string | undefined;

  constructor(private readonly handlers: SseParserHandlers) {}

  push(chunk: string): void {
    let text = chunk;
    if (this.#atStart && text.length > 0) {
      this.#atStart = false;
      if (text.charCodeAt(0) === byteOrderMark) text = text.slice(1);
    }
    if (this.#skipLeadingLineFeed && text.length > 0) {
      // The previous chunk ended in CR: an LF starting this one belongs to that line end.
      if (text.charCodeAt(0) === lineFeed) text = text.slice(1);
      this.#skipLeadingLineFeed = false;
    }
    // What is buffered holds no line end (it was scanned already): only the new text is searched.
    let scanFrom = this.#buffer.length;
    const buffer = this.#buffer + text;
    let start = 0;
    // The next CR is looked up once and reused, so a stream without CRs is scanned once.
    let nextCr = buffer.indexOf("\r", scanFrom);
    for (;;) {
      if (nextCr !== -1 && nextCr < scanFrom) nextCr = buffer.indexOf("\r", scanFrom);
      const nextLf = buffer.indexOf("\n", scanFrom);
      const end = nextCr === -1 ? nextLf : nextLf === -1 ? nextCr : Math.min(nextCr, nextLf);
      if (end === -1) break;
      this.#processLine(buffer.slice(start, end));
      start = end + 1;
      if (buffer.charCodeAt(end) === carriageReturn) {
        if (start === buffer.length) this.#skipLeadingLineFeed = true;
        else if (buffer.charCodeAt(start) === lineFeed) start += 1;
      }
      scanFrom = start;
    }
    this.#buffer = buffer.slice(start);
  }

  #processLine(line: string): void {
    if (line === "") {
      this.#dispatch();
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "event":
        this.#eventType = value;
        break;
      case "data":
        this.#data.push(value);
        break;
      case "id":
        if (!value.includes("\u0000")) this.#lastEventId = value;
        break;
      case "retry":
        if (/^\d+$/.test(value)) this.handlers.onRetry?.(Number(value));
        break;
      default:
        // Unknown fields are ignored.
        break;
    }
  }

  #dispatch(): void {
    const data = this.#data;
    const event = this.#eventType;
    this.#data = [];
    this.#eventType = "";
    if (data.length === 0) return;
    this.handlers.onEvent({ event: event || "message", data: data.join("\n"), id: this.#lastEventId });
  }
}

const byteOrderMark = 0xfeff;
const lineFeed = 10;
const carriageReturn = 13;
