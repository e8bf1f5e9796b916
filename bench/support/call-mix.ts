/**
 * The allow-path call mix: about nine in ten calls are small (`describe_endpoint`), one in ten
 * carries a 64 KB argument (`echo` with a document), as an agent passing a file would.
 */

export type CallKind = "small" | "large";

export interface MixedCall {
  readonly kind: CallKind;
  readonly name: string;
  readonly arguments: Record<string, unknown>;
}

export const largeArgumentBytes = 64 * 1024;
/** Every `largeEvery`-th call of a session is the large one. */
export const largeEvery = 10;

const smallCall: MixedCall = {
  kind: "small",
  name: "describe_endpoint",
  arguments: { endpoint_name: "ep-alpha" },
};

const largeCall: MixedCall = {
  kind: "large",
  name: "echo",
  arguments: { payload: { file_name: "incident-report.md", content: proseOfLength(largeArgumentBytes) } },
};

/**
 * The `index`-th call of session `session`. Sessions are offset from each other so that
 * their large calls do not all arrive at the same moment.
 */
export function mixedCall(session: number, index: number): MixedCall {
  return (index + session) % largeEvery === 0 ? largeCall : smallCall;
}

/** Plain ASCII text (one byte per character), so its JSON form is as long as it is. */
function proseOfLength(length: number): string {
  const sentence = "The endpoint ep-alpha answered within its latency objective during the window. ";
  return sentence.repeat(Math.ceil(length / sentence.length)).slice(0, length);
}
