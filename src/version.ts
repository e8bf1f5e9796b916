import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

interface PackageInfo {
  readonly root: string;
  readonly version: string;
}

/** Finds the gateway's own package.json above this file (src/ when run from source, dist/src/ when built). */
function findPackage(): PackageInfo {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest)) {
      const parsed = JSON.parse(readFileSync(manifest, "utf8")) as { name?: string; version?: string };
      if (parsed.name === "mcp-approval-gateway") return { root: dir, version: parsed.version ?? "0.0.0" };
    }
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new Error("mcp-approval-gateway: package.json not found above " + import.meta.url);
    dir = parent;
  }
}

const packageInfo = findPackage();

export const gatewayVersion = packageInfo.version;

/** The directory holding package.json, prisma/ and examples/. */
export const packageRoot = packageInfo.root;
