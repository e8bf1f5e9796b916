import { readFileSync } from "node:fs";

/** Resident set size of a process in MB, from /proc/<pid>/status (VmRSS); undefined once it is gone. */
export function residentMb(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match?.[1] === undefined ? undefined : Math.round(Number(match[1]) / 102.4) / 10;
  } catch {
    return undefined;
  }
}
