import { randomUUID } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import type { ApprovalService } from "../../src/approvals/index.js";
import type { TargetContext } from "./allow-targets.js";
import { approveAll } from "./bulk-approve.js";
import { stdioUpstream, writeGatewayConfig } from "./gateway.js";
import { repoRoot } from "./paths.js";
import { freePort, startGatewayProcess, type ChildService } from "./processes.js";
import { createBenchDatabase } from "./services.js";

const policy = {
  default: "deny",
  rules: [
    {
      id: "keys-need-approval",
      tool: "create_api_key",
      action: "require_approval",
      approval: { timeout: "2h" },
    },
  ],
};

export interface PendingRig {
  readonly gateway: ChildService;
  readonly databaseUrl: string;
  readonly keyPrefix: string;
  /** Where the preloaded probe writes the event-loop delay (see loop-delay-probe.ts). */
  readonly loopLog: string;
  /** A connection of the bench's own, to count and list pending requests. */
  readonly watcher: pg.Client;
}

/**
 * A gateway process that holds `create_api_key` calls for approval (for an hour), with the
 * loop-delay probe preloaded, its own database, and a connection to watch that database.
 */
export async function startPendingRig(
  context: TargetContext,
  options: { extraNodeArgs?: readonly string[] } = {},
): Promise<PendingRig> {
  const { teardown } = context;
  const database = await createBenchDatabase(context.databaseServerUrl);
  teardown.defer("pending database", () => database.drop());
  const keyPrefix = `bench-${randomUUID().slice(0, 8)}`;
  const port = await freePort();
  const configPath = path.join(context.dir, `pending-${port}.yaml`);
  writeGatewayConfig(configPath, {
    ...{ port, redisUrl: context.redisUrl, keyPrefix, databaseUrl: database.url },
    upstreamUrl: stdioUpstream,
    policy,
    extra: { approvals: { hold: "1h", progress_interval: "10m" } },
  });
  const loopLog = path.join(context.dir, `loop-delay-${port}.jsonl`);
  const probe = pathToFileURL(path.join(repoRoot, "dist", "bench", "support", "loop-delay-probe.js")).href;
  const gateway = await startGatewayProcess(configPath, port, {
    nodeArgs: [...(options.extraNodeArgs ?? []), "--import", probe],
    env: { BENCH_LOOP_DELAY_LOG: loopLog },
  });
  teardown.defer("pending gateway", () => gateway.stop());
  const watcher = new pg.Client({ connectionString: database.url });
  await watcher.connect();
  teardown.defer("pending watcher", () => watcher.end());
  return { gateway, databaseUrl: database.url, keyPrefix, loopLog, watcher };
}

/** Approves what is pending, again while requests registered late keep appearing (a few passes at most). */
export async function approveEveryPending(
  operator: ApprovalService,
  watcher: pg.Client,
  parallel: number,
): Promise<{ votes: number; notRecorded: number; firstProblem: string | null }> {
  let votes = 0;
  let notRecorded = 0;
  let firstProblem: string | null = null;
  for (let pass = 0; pass < 3; pass += 1) {
    const ids = await pendingIds(watcher);
    if (ids.length === 0) break;
    const result = await approveAll(operator, ids, parallel);
    votes += ids.length;
    notRecorded += result.notRecorded;
    firstProblem ??= result.firstProblem ?? null;
  }
  return { votes, notRecorded, firstProblem };
}

export async function countPendingRows(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM approval_requests WHERE status = 'pending'",
  );
  return rows[0]?.n ?? 0;
}

async function pendingIds(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ id: string }>(
    "SELECT id FROM approval_requests WHERE status = 'pending' ORDER BY created_at",
  );
  return rows.map((row) => row.id);
}
