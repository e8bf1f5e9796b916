import { existsSync } from "node:fs";
import path from "node:path";

/**
 * The repository root: the nearest ancestor holding package.json. The scripts run compiled
 * from dist/bench/, so the root is not at a fixed distance from the source file.
 */
function findRepoRoot(start: string): string {
  let dir = start;
  while (!existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

export const repoRoot = findRepoRoot(import.meta.dirname);
export const migrationsDir = path.join(repoRoot, "prisma", "migrations");
export const cliPath = path.join(repoRoot, "dist", "src", "cli", "bin.js");
export const servicesScript = path.join(repoRoot, "scripts", "local-services.sh");
export const resultsDir = path.join(repoRoot, "bench", "results");
