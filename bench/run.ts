import { writeFileSync } from "node:fs";
import path from "node:path";
import { createBenchContext } from "./support/bench-context.js";
import { benchPlan, type BenchPlan } from "./support/bench-plan.js";
import { benchSections } from "./support/bench-sections.js";
import { writeBenchmarksDoc } from "./support/benchmarks-doc.js";
import { checkGoals, formatGoals, type GoalInputs } from "./support/goals.js";
import { LoadSampler, machineInfo, type MachineInfo } from "./support/machine.js";
import { repoRoot } from "./support/paths.js";
import { Teardown } from "./support/teardown.js";
import { treeState, type TreeState } from "./support/tree-state.js";

/**
 * `npm run bench`: every measurement of the gateway's performance targets in one bounded run
 * (see docs/benchmarks.md). Prints one table per section and writes bench/results.json; a full
 * run of every section also rewrites the figures in docs/benchmarks.md.
 */

const resultsPath = path.join(repoRoot, "bench", "results.json");

interface RunState {
  readonly plan: BenchPlan;
  readonly startedAt: Date;
  readonly machine: MachineInfo;
  readonly tree: TreeState;
  readonly load: LoadSampler;
  readonly sections: Record<string, unknown>;
  readonly printed: Record<string, string>;
  readonly sectionSeconds: Record<string, number>;
  readonly goalInputs: GoalInputs;
  failed: boolean;
}

async function main(): Promise<void> {
  const plan = benchPlan(process.argv.slice(2));
  const state: RunState = {
    ...{ plan, startedAt: new Date(), machine: machineInfo(), tree: treeState(), load: new LoadSampler() },
    ...{ sections: {}, printed: {} },
    ...{ sectionSeconds: {}, goalInputs: {}, failed: false },
  };
  const teardown = new Teardown();
  let sectionTeardown: Teardown | undefined;
  const watchdog = setTimeout(() => {
    console.error(
      `\nthe run exceeded its limit of ${plan.hardLimitMs / 60_000} min; stopping with what it has`,
    );
    writeResults(state, true);
    void (sectionTeardown?.run() ?? Promise.resolve())
      .then(() => teardown.run())
      .finally(() => process.exit(2));
  }, plan.hardLimitMs);
  try {
    const base = createBenchContext(teardown);
    console.log(
      `mcp-approval-gateway bench${plan.quick ? " (--quick)" : ""}: ${[...plan.sections].join(", ")}`,
    );
    const changed = state.tree.changedSrcFiles;
    console.log(
      `code: commit ${state.tree.commit}, ${changed.length} changed file(s) in src/ ${changed.join(" ")}\n`,
    );
    for (const section of benchSections.filter((candidate) => plan.sections.has(candidate.name))) {
      sectionTeardown = new Teardown();
      const started = performance.now();
      try {
        const outcome = await section.run({ ...base, teardown: sectionTeardown }, plan);
        console.log(`${outcome.text}\n`);
        state.sections[section.key] = outcome.result;
        state.printed[section.key] = outcome.text;
        Object.assign(state.goalInputs, outcome.goals);
      } catch (error) {
        state.failed = true;
        console.error(`${section.title} failed:`, error);
        state.sections[section.key] = { error: error instanceof Error ? error.message : String(error) };
      } finally {
        await sectionTeardown.run();
        state.sectionSeconds[section.key] = Math.round((performance.now() - started) / 100) / 10;
      }
    }
    const goals = formatGoals(checkGoals(state.goalInputs));
    state.printed.goals = goals;
    console.log(`${goals}\n`);
    writeResults(state, false);
    if (plan.writeDocs && !state.failed) console.log(`figures written to ${writeDoc(state, goals)}`);
  } finally {
    clearTimeout(watchdog);
    state.load.stop();
    await teardown.run();
  }
  if (state.failed) process.exitCode = 1;
}

function writeDoc(state: RunState, goals: string): string {
  return writeBenchmarksDoc({
    startedAt: state.startedAt,
    durationSeconds: Math.round((Date.now() - state.startedAt.getTime()) / 1_000),
    machine: state.machine,
    tree: state.tree,
    load: state.load.summary(),
    goals,
    sections: benchSections
      .filter((section) => state.printed[section.key] !== undefined)
      .map((section) => ({
        title: section.title,
        text: state.printed[section.key] ?? "",
        seconds: state.sectionSeconds[section.key] ?? 0,
      })),
  });
}

function writeResults(state: RunState, aborted: boolean): void {
  const document = {
    date: state.startedAt.toISOString(),
    durationSeconds: Math.round((Date.now() - state.startedAt.getTime()) / 1_000),
    quick: state.plan.quick,
    aborted,
    machine: state.machine,
    tree: state.tree,
    load: state.load.summary(),
    plan: { ...state.plan, sections: [...state.plan.sections] },
    sectionSeconds: state.sectionSeconds,
    goals: checkGoals(state.goalInputs),
    sections: state.sections,
    printed: state.printed,
  };
  writeFileSync(resultsPath, `${JSON.stringify(document, null, 2)}\n`);
  console.log(`results written to ${path.relative(process.cwd(), resultsPath)}`);
}

await main();
