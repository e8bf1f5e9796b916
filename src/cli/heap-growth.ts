import { setFlagsFromString } from "node:v8";

/** How far V8's old generation may grow past what the last full collection found live. */
export const heapGrowingPercent = 20;

/**
 * A replica's memory is mostly calls held for approval: long-lived, idle, thousands of them.
 * V8's own heuristic lets the heap grow to about twice what is live while many new calls
 * arrive at once, and keeps what it grew: 10,000 held calls with about 250 MB live took 620 MB
 * of RSS. Growing by 20 % per full collection kept the same load within 403-435 MB. The price
 * is more full collections where much survives: while thousands of held calls are released at
 * once, the event loop's p99 delay reached 154-208 ms instead of 56-79 ms; calls on the allow
 * path, whose garbage dies young, showed no cost. `node --heap-growing-percent=N` given by the
 * operator wins.
 */
export function limitHeapGrowth(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((arg) => /^--heap[-_]growing[-_]percent\b/.test(arg))) return false;
  setFlagsFromString(`--heap-growing-percent=${heapGrowingPercent}`);
  return true;
}
