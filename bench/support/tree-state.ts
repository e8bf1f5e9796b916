import { execFileSync } from "node:child_process";
import { repoRoot } from "./paths.js";

/** Which code was measured: the commit, and the files of src/ changed on top of it. */
export interface TreeState {
  readonly commit: string;
  readonly changedSrcFiles: string[];
}

export function treeState(): TreeState {
  return {
    commit: git(["rev-parse", "--short", "HEAD"]).trim() || "unknown",
    changedSrcFiles: git(["status", "--porcelain", "--", "src"])
      .split("\n")
      .filter(Boolean)
      .map((line) => line.slice(3)),
  };
}

function git(args: readonly string[]): string {
  try {
    return execFileSync("git", [...args], { cwd: repoRoot, encoding: "utf8" });
  } catch {
    return "";
  }
}
