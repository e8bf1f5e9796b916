import { describe, expect, it } from "vitest";
import { SseParser, type ServerSentEvent } from "../../../src/upstream/sse-parser.js";

function parse(chunks: readonly string[]): { events: ServerSentEvent[]; retries: number[] } {
  const events: ServerSentEvent[] = [];
  const retries: number[] = [];
  const parser = new SseParser({ onEvent: (event) => events.push(event), onRetry: (ms) => retries.push(ms) });
  for (const chunk of chunks) parser.push(chunk);
  return { events, retries };
}

/** Every way of cutting `text` in two, so a boundary falls everywhere once. */
function everySplit(text: string): string[][] {
  return Array.from({ length: text.length + 1 }, (_, at) => [text.slice(0, at), text.slice(at)]);
}

describe("SseParser", () => {
  it("dispatches a message event on the blank line that ends it", () => {
    const { events } = parse(['event: message\ndata: {"jsonrpc":"2.0","id":1,"result":{}}\n\n']);
    expect(events).toEqual([
      { event: "message", data: '{"jsonrpc":"2.0","id":1,"result":{}}', id: undefined },
    ]);
  });

  it("names an event without an event field 'message' and keeps other names", () => {
    const { events } = parse(["data: a\n\nevent: ping\ndata: b\n\n"]);
    expect(events.map((event) => [event.event, event.data])).toEqual([
      ["message", "a"],
      ["ping", "b"],
    ]);
  });

  it("joins data lines with a line feed and strips one leading space only", () => {
    const { events } = parse(["data:  two spaces\ndata:none\ndata\n\n"]);
    expect(events[0]?.data).toBe(" two spaces\nnone\n");
  });

  it("accepts LF, CRLF and CR line ends alike", () => {
    const lf = parse(["data: x\n\n"]).events;
    expect(parse(["data: x\r\n\r\n"]).events).toEqual(lf);
    expect(parse(["data: x\r\r"]).events).toEqual(lf);
  });

  it("gives the same events however the stream is cut into chunks", () => {
    const text =
      '\uFEFFevent: message\r\nid: 7\r\ndata: {"a":"é"}\r\n\r\n: comment\ndata: second\r\rdata: third\n\n';
    const whole = parse([text]);
    expect(whole.events.map((event) => event.data)).toEqual(['{"a":"é"}', "second", "third"]);
    for (const chunks of everySplit(text)) expect(parse(chunks)).toEqual(whole);
    expect(parse([...text])).toEqual(whole);
  });

  it("does not take a CR at the end of one chunk and an LF at the start of the next for two line ends", () => {
    // Read as two line ends, the CR and LF would dispatch "x" before "y" was added.
    const { events } = parse(["data: x\r", "\ndata: y\n\n"]);
    expect(events.map((event) => event.data)).toEqual(["x\ny"]);
  });

  it("skips comments and events without data, and keeps the last id for later events", () => {
    const { events } = parse([": keepalive\n\nid: 41\n\nevent: message\n\ndata: late\n\n"]);
    expect(events).toEqual([{ event: "message", data: "late", id: "41" }]);
  });

  it("reports a numeric retry field and ignores any other", () => {
    expect(parse(["retry: 2500\n\nretry: soon\n\n"]).retries).toEqual([2500]);
  });

  it("holds an incomplete event until its end arrives", () => {
    const events: ServerSentEvent[] = [];
    const parser = new SseParser({ onEvent: (event) => events.push(event) });
    parser.push("data: part");
    parser.push("ial");
    expect(events).toEqual([]);
    parser.push("\n\n");
    expect(events.map((event) => event.data)).toEqual(["partial"]);
  });

  it("reassembles a large event sent in many small chunks", () => {
    const payload = JSON.stringify({ text: "x".repeat(200_000) });
    const text = `event: message\ndata: ${payload}\n\n`;
    const events: ServerSentEvent[] = [];
    const parser = new SseParser({ onEvent: (event) => events.push(event) });
    for (let at = 0; at < text.length; at += 1_000) parser.push(text.slice(at, at + 1_000));
    expect(events).toHaveLength(1);
    expect(events[0]?.data).toBe(payload);
  });
});
