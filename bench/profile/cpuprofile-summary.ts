import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * Reads a V8 `.cpuprofile` (from `node --cpu-prof`) and prints where the self time went:
 * by function, by file group (our code, each package, Node internals) and by category.
 *
 *   node dist/bench/profile/cpuprofile-summary.js FILE.cpuprofile [--top 40]
 */

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface SelfTimeRow {
  readonly label: string;
  readonly micros: number;
  readonly share: number;
}

export interface ProfileSummary {
  readonly totalMicros: number;
  readonly idleMicros: number;
  readonly byFunction: readonly SelfTimeRow[];
  readonly byGroup: readonly SelfTimeRow[];
}

/** Self time per node id: each sample's delta is charged to the node it landed in. */
function selfTimeByNode(profile: CpuProfile): Map<number, number> {
  const byNode = new Map<number, number>();
  profile.samples.forEach((nodeId, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    byNode.set(nodeId, (byNode.get(nodeId) ?? 0) + delta);
  });
  return byNode;
}

/** `our code`, a package name, `node:internal` or a V8 pseudo-frame such as `(garbage collector)`. */
export function groupOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === "") return functionName.startsWith("(") ? functionName : "(native)";
  if (url.startsWith("node:")) return "node:internal";
  const marker = "/node_modules/";
  const at = url.lastIndexOf(marker);
  if (at !== -1) {
    const rest = url.slice(at + marker.length).split("/");
    return rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1] ?? ""}` : (rest[0] ?? url);
  }
  const dist = url.indexOf("/dist/");
  return dist === -1 ? url : `gateway ${url.slice(dist + "/dist/".length)}`;
}

function functionLabel(frame: CallFrame): string {
  const name = frame.functionName || "(anonymous)";
  if (frame.url === "") return name;
  return `${name} ${shortFile(frame.url)}:${frame.lineNumber + 1}`;
}

function shortFile(url: string): string {
  const marker = "/node_modules/";
  const at = url.lastIndexOf(marker);
  if (at !== -1) return url.slice(at + marker.length);
  if (url.startsWith("node:")) return url;
  return path.basename(url.replace(/^file:\/\//, ""));
}

function ranked(totals: Map<string, number>, busyMicros: number): SelfTimeRow[] {
  return [...totals.entries()]
    .map(([label, micros]) => ({ label, micros, share: busyMicros === 0 ? 0 : micros / busyMicros }))
    .sort((a, b) => b.micros - a.micros);
}

/** Self time by function and by group, as shares of the busy (non-idle) time. */
export function summarizeProfile(profile: CpuProfile): ProfileSummary {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byFunction = new Map<string, number>();
  const byGroup = new Map<string, number>();
  let totalMicros = 0;
  let idleMicros = 0;
  for (const [nodeId, micros] of selfTimeByNode(profile)) {
    const frame = frames.get(nodeId);
    if (!frame) continue;
    totalMicros += micros;
    if (frame.functionName === "(idle)" || frame.functionName === "(program)") {
      idleMicros += frame.functionName === "(idle)" ? micros : 0;
      if (frame.functionName === "(idle)") continue;
    }
    const label = functionLabel(frame);
    byFunction.set(label, (byFunction.get(label) ?? 0) + micros);
    const group = groupOf(frame);
    byGroup.set(group, (byGroup.get(group) ?? 0) + micros);
  }
  const busy = totalMicros - idleMicros;
  return { totalMicros, idleMicros, byFunction: ranked(byFunction, busy), byGroup: ranked(byGroup, busy) };
}

function printRows(title: string, rows: readonly SelfTimeRow[], top: number): void {
  console.log(`\n${title}`);
  for (const row of rows.slice(0, top)) {
    console.log(
      `${(row.share * 100).toFixed(1).padStart(6)} %  ${(row.micros / 1000).toFixed(0).padStart(7)} ms  ${row.label}`,
    );
  }
}

function main(): void {
  const file = process.argv[2];
  if (!file) throw new Error("usage: cpuprofile-summary FILE.cpuprofile [--top N]");
  const topIndex = process.argv.indexOf("--top");
  const top = topIndex === -1 ? 30 : Number(process.argv[topIndex + 1]);
  const summary = summarizeProfile(JSON.parse(readFileSync(file, "utf8")) as CpuProfile);
  const busy = summary.totalMicros - summary.idleMicros;
  console.log(
    `${file}: ${(summary.totalMicros / 1000).toFixed(0)} ms profiled, ${(busy / 1000).toFixed(0)} ms busy ` +
      `(shares below are of the busy time)`,
  );
  printRows("self time by group", summary.byGroup, top);
  printRows("self time by function", summary.byFunction, top);
}

if (import.meta.url === `file://${process.argv[1] ?? ""}`) main();
