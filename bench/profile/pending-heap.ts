import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { agentToken, gatewayMcpUrl } from "../support/gateway.js";
import { HeldCalls } from "../support/held-calls.js";
import { countPendingRows, startPendingRig } from "../support/pending-rig.js";
import { startServices } from "../support/services.js";
import { closeSessions, openHttpSessions } from "../support/sessions.js";
import { countOption, stringOption } from "../support/stats.js";
import { Teardown } from "../support/teardown.js";

/**
 * What one call held for approval costs the gateway's heap: heap snapshots of a gateway with
 * the sessions open and nothing held, then with `--calls` held, diffed by constructor.
 *
 *   node dist/bench/profile/pending-heap.js [--sessions 20] [--calls 1000] [--keep DIR]
 *
 * With `--keep DIR` the two snapshots stay in DIR, to open in Chrome DevTools' Memory tab.
 */

interface Bucket {
  count: number;
  bytes: number;
}

async function main(): Promise<void> {
  const sessionCount = countOption("sessions", 20);
  const calls = countOption("calls", 1_000);
  const teardown = new Teardown();
  const kept = stringOption("keep");
  const dir = kept ?? mkdtempSync(path.join(tmpdir(), "mag-pending-heap-"));
  if (kept) mkdirSync(kept, { recursive: true });
  else teardown.defer("snapshot directory", () => rmSync(dir, { recursive: true, force: true }));
  try {
    const services = startServices();
    teardown.defer("services", () => services.stop());
    const context = { teardown, redisUrl: services.redisUrl, databaseServerUrl: services.databaseUrl, dir };
    const rig = await startPendingRig(context, {
      extraNodeArgs: ["--heapsnapshot-signal=SIGUSR2", `--diagnostic-dir=${dir}`],
    });
    const sessions = await openHttpSessions(gatewayMcpUrl(rig.gateway.url), sessionCount, agentToken);
    teardown.defer("sessions", () => closeSessions(sessions));
    const before = await snapshot(rig.gateway.pid, dir);
    const held = new HeldCalls();
    const countPending = (): Promise<number> => countPendingRows(rig.watcher);
    await held.ramp(sessions, {
      ...{ perSession: Math.ceil(calls / sessionCount), waveSize: 50, maxUnregistered: 100 },
      countPending,
      deadline: Date.now() + 120_000,
    });
    while ((await countPending()) < held.outcomes.fired) await new Promise((r) => setTimeout(r, 200));
    const pending = await countPending();
    const after = await snapshot(rig.gateway.pid, dir);
    report(before, after, pending);
  } finally {
    await teardown.run();
  }
}

async function snapshot(pid: number, dir: string): Promise<Map<string, Bucket>> {
  const existing = new Set(readdirSync(dir));
  process.kill(pid, "SIGUSR2");
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const file = readdirSync(dir).find((name) => name.endsWith(".heapsnapshot") && !existing.has(name));
    if (!file) continue;
    // The file appears as soon as writing starts; it is complete once it parses.
    try {
      return bucketsOf(JSON.parse(readFileSync(path.join(dir, file), "utf8")) as HeapSnapshot);
    } catch {
      continue;
    }
  }
}

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

function bucketsOf(heap: HeapSnapshot): Map<string, Bucket> {
  const fields = heap.snapshot.meta.node_fields;
  const types = heap.snapshot.meta.node_types[0];
  const { nodes, strings } = heap;
  const typeAt = fields.indexOf("type");
  const nameAt = fields.indexOf("name");
  const sizeAt = fields.indexOf("self_size");
  const buckets = new Map<string, Bucket>();
  for (let i = 0; i < nodes.length; i += fields.length) {
    const type = types[nodes[i + typeAt] ?? -1] ?? "?";
    const name = strings[nodes[i + nameAt] ?? -1] ?? "?";
    const key = type === "object" ? name : type === "closure" ? `closure ${name}` : `(${type})`;
    const bucket = buckets.get(key) ?? { count: 0, bytes: 0 };
    bucket.count += 1;
    bucket.bytes += nodes[i + sizeAt] ?? 0;
    buckets.set(key, bucket);
  }
  return buckets;
}

function report(before: Map<string, Bucket>, after: Map<string, Bucket>, pending: number): void {
  const total = (buckets: Map<string, Bucket>): number =>
    [...buckets.values()].reduce((sum, bucket) => sum + bucket.bytes, 0);
  const rows = [...after].map(([key, bucket]) => {
    const base = before.get(key) ?? { count: 0, bytes: 0 };
    return {
      key,
      count: (bucket.count - base.count) / pending,
      bytes: (bucket.bytes - base.bytes) / pending,
    };
  });
  rows.sort((a, b) => b.bytes - a.bytes);
  const mb = (bytes: number): string => (bytes / 1048576).toFixed(1);
  console.log(`heap: ${mb(total(before))} MB with nothing held, ${mb(total(after))} MB with ${pending} held`);
  console.log(`per held call: ${((total(after) - total(before)) / pending / 1024).toFixed(1)} KB`);
  console.log("bytes/call  objects/call  constructor");
  for (const row of rows.slice(0, 60))
    console.log(
      `${row.bytes.toFixed(0).padStart(10)}  ${row.count.toFixed(2).padStart(12)}  ${row.key.slice(0, 80)}`,
    );
}

await main();
