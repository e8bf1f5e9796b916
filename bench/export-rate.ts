import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ApprovalStore } from "../src/approvals/approval-store.js";
import { exportChunks, type ExportFormat } from "../src/audit/decision-export-format.js";
import { DecisionQueries } from "../src/audit/decision-queries.js";
import { createPrismaClient } from "../src/store/index.js";
import { startInProcessGateway, writeGatewayConfig } from "./support/gateway.js";
import { freePort, startExampleUpstream } from "./support/processes.js";
import { createBenchDatabase, startServices, withClient } from "./support/services.js";
import { countOption, formatTable, machineContext, writeResults } from "./support/stats.js";
import { Teardown } from "./support/teardown.js";

/**
 * Decision export throughput: rows per second from Postgres to the consumer, through the
 * query layer alone (DecisionQueries.stream + formatting) and end to end through
 * `GET /api/decisions/export` read by an HTTP client. Each figure is the median of the runs.
 */

const adminToken = "bench-admin-token-0123456789abcdef";
const formats: readonly ExportFormat[] = ["csv", "ndjson"];

interface Measurement {
  readonly rows: number;
  readonly bytes: number;
  readonly ms: number;
}

async function main(): Promise<void> {
  const rows = countOption("rows", 100_000);
  const runs = countOption("runs", 3);
  const teardown = new Teardown();
  try {
    const services = startServices();
    teardown.defer("services", () => services.stop());
    const database = await createBenchDatabase(services.databaseUrl);
    teardown.defer("database", () => database.drop());
    await seedDecisions(database.url, rows);

    const prisma = createPrismaClient(database.url);
    teardown.defer("prisma", () => prisma.$disconnect());
    const queries = new DecisionQueries(prisma, new ApprovalStore(prisma));
    const gatewayUrl = await startGateway(teardown, services.redisUrl, database.url);

    const results: Record<string, Measurement> = {};
    for (const format of formats) {
      results[`query layer ${format}`] = await median(runs, () => exportInProcess(queries, format, rows));
      results[`HTTP ${format}`] = await median(runs, () => exportOverHttp(gatewayUrl, format, rows));
    }
    report(rows, runs, results);
  } finally {
    await teardown.run();
  }
}

/** Rows shaped like real traffic: small argument objects, some reasons and reviewers. */
async function seedDecisions(databaseUrl: string, rows: number): Promise<void> {
  await withClient(databaseUrl, (client) =>
    client.query(
      `INSERT INTO decisions (id, created_at, request_id, agent_id, session_id, upstream, tool, arguments,
                              decision, rule_id, reason, outcome, latency_ms, upstream_latency_ms, reviewers)
       SELECT gen_random_uuid(), now() - n * interval '100 milliseconds', 'req-' || n,
              'agent-' || (n % 7), 'session-' || (n % 50), 'sagemaker',
              (ARRAY['list_endpoints','describe_endpoint','delete_endpoint','create_api_key'])[1 + n % 4],
              jsonb_build_object('endpoint_name', 'ep-' || n, 'region', 'eu-west-1',
                                 'tags', jsonb_build_array('team:ml', 'env:prod')),
              (ARRAY['allow','allow','allow','deny','require_approval'])[1 + n % 5],
              CASE WHEN n % 5 >= 3 THEN 'prod-guard' END,
              CASE WHEN n % 5 = 3 THEN 'deletes need a change ticket, see "runbook", section 4' END,
              CASE WHEN n % 5 <> 3 THEN 'ok' END, 3 + n % 20, 2 + n % 15,
              CASE WHEN n % 5 = 4 THEN ARRAY['Ann','Bob'] ELSE ARRAY[]::text[] END
         FROM generate_series(1, $1::int) AS n`,
      [rows],
    ),
  );
  await withClient(databaseUrl, (client) => client.query("ANALYZE decisions"));
}

async function startGateway(teardown: Teardown, redisUrl: string, databaseUrl: string): Promise<string> {
  const upstream = await startExampleUpstream();
  teardown.defer("example upstream", () => upstream.stop());
  const dir = mkdtempSync(path.join(tmpdir(), "mag-bench-export-"));
  teardown.defer("config dir", () => rmSync(dir, { recursive: true, force: true }));
  const configPath = path.join(dir, "gateway.yaml");
  writeGatewayConfig(configPath, {
    port: await freePort(),
    redisUrl,
    keyPrefix: `bench-${randomUUID().slice(0, 8)}`,
    databaseUrl,
    upstreamUrl: upstream.url,
    policy: { default: "allow" },
    extra: { admins: [{ id: "bench-admin", token: adminToken }] },
  });
  const gateway = await startInProcessGateway(configPath);
  teardown.defer("gateway", () => gateway.close());
  return gateway.url;
}

async function exportInProcess(
  queries: DecisionQueries,
  format: ExportFormat,
  expected: number,
): Promise<Measurement> {
  const started = performance.now();
  let bytes = 0;
  let lines = 0;
  for await (const chunk of exportChunks(queries.stream({}), format)) {
    const encoded = Buffer.from(chunk, "utf8");
    bytes += encoded.byteLength;
    lines += countLines(encoded);
  }
  return checked(format, expected, { rows: lines, bytes, ms: performance.now() - started });
}

async function exportOverHttp(
  gatewayUrl: string,
  format: ExportFormat,
  expected: number,
): Promise<Measurement> {
  const started = performance.now();
  const response = await fetch(`${gatewayUrl}/api/decisions/export?format=${format}`, {
    headers: { authorization: `Bearer ${adminToken}` },
  });
  if (!response.ok || !response.body) throw new Error(`export answered ${response.status}`);
  let bytes = 0;
  let lines = 0;
  for await (const chunk of response.body) {
    bytes += chunk.byteLength;
    lines += countLines(chunk);
  }
  return checked(format, expected, { rows: lines, bytes, ms: performance.now() - started });
}

/** Line feeds: one per record, as the seeded rows hold no line breaks inside fields. */
function countLines(chunk: Uint8Array): number {
  let lines = 0;
  for (const byte of chunk) if (byte === 0x0a) lines += 1;
  return lines;
}

function checked(format: ExportFormat, expected: number, measurement: Measurement): Measurement {
  // The CSV header is a record too.
  const rows = format === "csv" ? measurement.rows - 1 : measurement.rows;
  if (rows !== expected) throw new Error(`${format} export had ${rows} rows, expected ${expected}`);
  return { ...measurement, rows };
}

async function median(runs: number, measure: () => Promise<Measurement>): Promise<Measurement> {
  const measured: Measurement[] = [];
  for (let run = 0; run < runs; run += 1) measured.push(await measure());
  measured.sort((a, b) => a.ms - b.ms);
  const middle = measured[Math.floor(measured.length / 2)];
  if (!middle) throw new Error("no runs");
  return middle;
}

function report(rows: number, runs: number, results: Record<string, Measurement>): void {
  const summary = Object.fromEntries(
    Object.entries(results).map(([name, { bytes, ms }]) => [
      name,
      {
        ms: Math.round(ms),
        rowsPerSecond: Math.round(rows / (ms / 1000)),
        mbPerSecond: Number((bytes / 1_048_576 / (ms / 1000)).toFixed(1)),
        bytes,
      },
    ]),
  );
  console.log(`Decision export of ${rows} rows, median of ${runs} runs`);
  console.log(
    formatTable([
      ["path", "ms", "rows/s", "MB/s"],
      ...Object.entries(summary).map(([name, figures]) => [
        name,
        String(figures.ms),
        String(figures.rowsPerSecond),
        String(figures.mbPerSecond),
      ]),
    ]),
  );
  const file = writeResults("export-rate.json", { rows, runs, results: summary, machine: machineContext() });
  console.log(`results written to ${file}`);
}

await main();
