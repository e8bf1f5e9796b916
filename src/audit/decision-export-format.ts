import type { DecisionView } from "./decision-query-types.js";

export const exportFormats = ["csv", "ndjson"] as const;
export type ExportFormat = (typeof exportFormats)[number];

/** The CSV columns, in order: every field of a {@link DecisionView}. */
export const csvColumns = [
  "id",
  "createdAt",
  "requestId",
  "agentId",
  "sessionId",
  "upstream",
  "tool",
  "arguments",
  "decision",
  "ruleId",
  "reason",
  "outcome",
  "latencyMs",
  "upstreamLatencyMs",
  "approvalId",
  "approvalStatus",
  "reviewers",
  "approvalWaitMs",
  "shadowDecision",
  "shadowRuleId",
  "seq",
] as const satisfies readonly (keyof DecisionView)[];

export const exportContentTypes: Readonly<Record<ExportFormat, string>> = {
  csv: "text/csv; charset=utf-8",
  ndjson: "application/x-ndjson; charset=utf-8",
};

/** Columns written as compact JSON whatever their value, so they read back exactly. */
const jsonColumns: ReadonlySet<string> = new Set(["arguments", "reviewers"]);

// Chunks of about this size keep writes few without holding much in memory.
const chunkBytes = 64 * 1024;

/**
 * The export of `decisions` as text chunks: CSV (RFC 4180, header row, CRLF) or NDJSON
 * (one view per line). Reads on only as the consumer pulls, so backpressure reaches Postgres.
 */
export async function* exportChunks(
  decisions: AsyncIterable<DecisionView>,
  format: ExportFormat,
): AsyncGenerator<string> {
  let chunk = format === "csv" ? csvHeader() : "";
  for await (const decision of decisions) {
    chunk += format === "csv" ? toCsvLine(decision) : toNdjsonLine(decision);
    if (chunk.length >= chunkBytes) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk !== "") yield chunk;
}

export function csvHeader(): string {
  return `${csvColumns.join(",")}\r\n`;
}

/**
 * One CSV record. Structured fields (arguments, reviewers) are compact JSON so a row reads
 * back losslessly; null is an empty field. Values are written as recorded, unaltered.
 */
export function toCsvLine(decision: DecisionView): string {
  const fields = csvColumns.map((column) => {
    const cell = csvCell(decision, column);
    return cell === null ? "" : csvField(cell);
  });
  return `${fields.join(",")}\r\n`;
}

export function toNdjsonLine(decision: DecisionView): string {
  return `${JSON.stringify(decision)}\n`;
}

/** The field's text; null for a null value, written as an empty field. */
function csvCell(decision: DecisionView, column: (typeof csvColumns)[number]): string | null {
  const value: unknown = decision[column];
  if (jsonColumns.has(column)) return JSON.stringify(value) ?? "null";
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

/**
 * RFC 4180: quote a field holding a comma, quote or line break, doubling its quotes. An
 * empty string is quoted too, so it differs from null (an empty field), as in Postgres COPY.
 */
export function csvField(value: string): string {
  return value === "" || /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
