import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Command } from "commander";
import { z } from "zod";
import { ApprovalStore } from "../approvals/approval-store.js";
import { exportChunks, exportFormats } from "../audit/decision-export-format.js";
import {
  decisionFilterParams,
  decisionPageParams,
  parseParams,
  toDecisionFilter,
} from "../audit/decision-filter-params.js";
import { DecisionQueries } from "../audit/decision-queries.js";
import { ErrorCode, GatewayError } from "../errors.js";
import { createPrismaClient } from "../store/index.js";
import { describeDecision, describeDetail } from "./audit-output.js";
import { resolveDatabaseUrl, type DatabaseUrlOptions } from "./database-url.js";

/** The filter options, named like the admin API's query parameters. */
const filterOptionNames = Object.keys(decisionFilterParams);

interface AuditQueryOptions extends DatabaseUrlOptions, Record<string, unknown> {
  readonly json?: boolean;
}

/** Adds `list`, `show` and `export` to the `audit` command. */
export function registerAuditQueryCommands(audit: Command): void {
  withFilterOptions(withDatabaseOptions(audit.command("list").description("decisions, newest first")))
    .option("--limit <n>", "at most this many (1 to 500)", "50")
    .option("--cursor <cursor>", "continue after the page that printed this cursor")
    .option("--json", "print the page as JSON")
    .action((options: AuditQueryOptions) => runAuditList(options));
  withDatabaseOptions(audit.command("show <id>").description("one decision with its approval timeline"))
    .option("--json", "print the decision as JSON")
    .action((id: string, options: AuditQueryOptions) => runAuditShow(id, options));
  withFilterOptions(
    withDatabaseOptions(audit.command("export").description("every matching decision, streamed")),
  )
    .requiredOption("--format <format>", exportFormats.join(" | "))
    .option("-o, --output <file>", "write to this file (default: standard output)")
    .action((options: AuditQueryOptions) => runAuditExport(options));
}

function withDatabaseOptions(command: Command): Command {
  return command
    .option("-c, --config <file>", "gateway config file holding database.url", "gateway.yaml")
    .option("--database-url <url>", "query this database instead of the config's");
}

function withFilterOptions(command: Command): Command {
  return command
    .option("--agent <id>", "only this agent's calls")
    .option("--upstream <name>", "only calls to this upstream")
    .option("--tool <name>", "only calls of this tool")
    .option("--decision <decision>", "allow | deny | rate_limited | require_approval | unavailable")
    .option("--reviewer <name>", "only calls this reviewer voted on")
    .option("--from <time>", "recorded at or after (ISO 8601, e.g. 2026-03-10 or 2026-03-10T12:00:00Z)")
    .option("--to <time>", "recorded before (ISO 8601)")
    .option("--q <text>", "case-insensitive text in the rule id or reason");
}

export async function runAuditList(options: AuditQueryOptions): Promise<void> {
  const params = parseOptions({ ...decisionFilterParams, ...decisionPageParams }, options, [
    ...filterOptionNames,
    "limit",
    "cursor",
  ]);
  const { limit, cursor, ...filter } = params;
  const page = await withQueries(options, (queries) =>
    queries.list(toDecisionFilter(filter), { limit, cursor }),
  );
  if (options.json) {
    console.log(JSON.stringify(page, null, 2));
    return;
  }
  if (page.items.length === 0) console.log("No matching decisions.");
  for (const item of page.items) console.log(describeDecision(item));
  if (page.nextCursor) console.log(`More: --cursor ${page.nextCursor}`);
}

export async function runAuditShow(id: string, options: AuditQueryOptions): Promise<void> {
  const detail = await withQueries(options, (queries) => queries.get(id));
  if (!detail) {
    console.error(`No decision ${id}.`);
    process.exitCode = 2;
    return;
  }
  console.log(options.json ? JSON.stringify(detail, null, 2) : describeDetail(detail));
}

/**
 * Streams the export to a file or standard output. A file is written under a temporary
 * name and renamed when complete, so a failed export never leaves a file that looks whole.
 */
export async function runAuditExport(options: AuditQueryOptions): Promise<void> {
  const { format } = parseOptions(exportFormatParam, options, ["format"]);
  const filter = toDecisionFilter(parseOptions(decisionFilterParams, options, filterOptionNames));
  const output = typeof options.output === "string" ? options.output : undefined;
  await withQueries(options, async (queries) => {
    const chunks = Readable.from(exportChunks(queries.stream(filter), format));
    if (!output) return pipeline(chunks, process.stdout as Writable, { end: false });
    const partial = `${output}.partial`;
    try {
      await pipeline(chunks, createWriteStream(partial));
      await rename(partial, output);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  });
}

const exportFormatParam = {
  format: z.enum(exportFormats, { error: `expected one of ${exportFormats.join(", ")}` }),
};

/** Runs `use` on the configured database, closing the connection afterwards. */
async function withQueries<T>(
  options: AuditQueryOptions,
  use: (queries: DecisionQueries) => Promise<T>,
): Promise<T> {
  const databaseUrl = resolveDatabaseUrl(options, "query");
  const prisma = createPrismaClient(databaseUrl, { maxConnections: 2 });
  try {
    return await use(new DecisionQueries(prisma, new ApprovalStore(prisma)));
  } finally {
    await prisma.$disconnect();
  }
}

/** The named options, validated like the API's query parameters; problems name the `--option`. */
function parseOptions<Shape extends z.ZodRawShape>(
  shape: Shape,
  options: AuditQueryOptions,
  names: readonly string[],
): z.infer<z.ZodObject<Shape, z.core.$strict>> {
  const given = Object.fromEntries(
    names.filter((name) => options[name] !== undefined).map((name) => [name, options[name]]),
  );
  try {
    return parseParams(shape, given, (key) => `--${key}`);
  } catch (error) {
    if (error instanceof GatewayError)
      throw new GatewayError(ErrorCode.BadRequest, `invalid option ${error.message}`);
    throw error;
  }
}
