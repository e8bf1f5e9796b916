import { createBenchContext } from "./support/bench-context.js";
import { countOption, machineContext, writeResults } from "./support/stats.js";
import { Teardown } from "./support/teardown.js";
import { formatApprovalResume, measureApprovalResume } from "./sections/approval-resume.js";

/**
 * Approval resume latency on its own (`npm run bench:approvals -- --approvals N`); `npm run
 * bench` runs the same measurement as its section 2.
 */
async function main(): Promise<void> {
  const approvals = countOption("approvals", 200);
  const teardown = new Teardown();
  try {
    const result = await measureApprovalResume(createBenchContext(teardown), approvals);
    console.log(formatApprovalResume(result));
    const file = writeResults("approval-resume.json", { ...result, machine: machineContext() });
    console.log(`results written to ${file}`);
  } finally {
    await teardown.run();
  }
}

await main();
