import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { LoadSummary, MachineInfo } from "./machine.js";
import { repoRoot } from "./paths.js";
import type { TreeState } from "./tree-state.js";

export interface DocFigures {
  readonly startedAt: Date;
  readonly durationSeconds: number;
  readonly machine: MachineInfo;
  readonly tree: TreeState;
  readonly load: LoadSummary;
  /** The issue-5 target table as printed. */
  readonly goals: string;
  /** Each section's title and printed table, in order. */
  readonly sections: ReadonlyArray<{
    readonly title: string;
    readonly text: string;
    readonly seconds: number;
  }>;
}

const docPath = path.join(repoRoot, "docs", "benchmarks.md");
const begin = "<!-- bench:results:begin (written by npm run bench; edit outside these markers) -->";
const end = "<!-- bench:results:end -->";

/**
 * Rewrites the figures of docs/benchmarks.md, between its markers, from a full run; the
 * hand-written text around them (how to read the figures, the profile notes) is kept.
 */
export function writeBenchmarksDoc(figures: DocFigures): string {
  const current = existsSync(docPath) ? readFileSync(docPath, "utf8") : skeleton();
  const start = current.indexOf(begin);
  const stop = current.indexOf(end);
  if (start === -1 || stop < start) throw new Error(`${docPath} has no ${begin} ... ${end} block`);
  // The blank lines are where Prettier puts them, so that `npm run lint` passes on the result.
  const updated = `${current.slice(0, start)}${begin}\n\n${generated(figures)}\n${current.slice(stop)}`;
  writeFileSync(docPath, updated);
  return path.relative(process.cwd(), docPath);
}

function generated(figures: DocFigures): string {
  const { machine, load, tree } = figures;
  const changed = tree.changedSrcFiles;
  const fence = (text: string): string => ["```text", text, "```"].join("\n");
  return [
    `Last full run: ${figures.startedAt.toISOString()}, ${Math.round(figures.durationSeconds / 6) / 10} min.`,
    "",
    `Machine: \`nproc\` ${machine.nproc} (${machine.cpuModel}), ${machine.memoryTotalMb} MB memory` +
      ` (${machine.memoryFreeAtStartMb} MB free at start), Node ${machine.node}, ${machine.platform}.` +
      ` Load average (1 min) during the run: min ${load.min1}, mean ${load.mean1}, max ${load.max1}` +
      ` (${load.samples} samples, every 5 s; at start ${load.atStart.join(" / ")}). The machine is shared:` +
      " other work was running, which the interleaved rounds spread over every target alike.",
    "",
    `Code: commit ${tree.commit}` +
      (changed.length === 0
        ? ", no changes in src/."
        : `, with uncommitted changes in ${changed.length} file(s) of src/: ${changed.map((file) => `\`${file}\``).join(", ")}.`),
    "",
    "### Issue 5 targets",
    "",
    fence(figures.goals),
    "",
    ...figures.sections.flatMap((section) => [
      `### ${section.title} (${section.seconds} s)`,
      "",
      fence(section.text),
      "",
    ]),
  ].join("\n");
}

function skeleton(): string {
  return ["# Benchmarks", "", begin, end, ""].join("\n");
}
