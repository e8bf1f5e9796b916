import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import path from "node:path";
import { resultsDir } from "./paths.js";

export interface Summary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** Nearest-rank percentiles, so every figure is a latency that was actually observed. */
export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error("no samples to summarize");
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (percent: number): number =>
    sorted[Math.max(0, Math.ceil((percent / 100) * sorted.length) - 1)] ?? Number.NaN;
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    count: sorted.length,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    max: at(100),
    mean: total / sorted.length,
  };
}

/** A plain text table: the first row is the header, columns are padded to the widest cell. */
export function formatTable(rows: ReadonlyArray<readonly string[]>): string {
  const widths = rows.reduce<number[]>(
    (acc, row) => row.map((cell, index) => Math.max(acc[index] ?? 0, cell.length)),
    [],
  );
  const line = (row: readonly string[]): string =>
    row
      .map((cell, index) =>
        index === 0 ? cell.padEnd(widths[index] ?? 0) : cell.padStart(widths[index] ?? 0),
      )
      .join("  ");
  const [header, ...body] = rows;
  if (!header) return "";
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  return [line(header), rule, ...body.map(line)].join("\n");
}

export function formatMs(value: number, digits = 2): string {
  return value.toFixed(digits);
}

/** The value of `--<name> N` on the command line, or the default. */
export function countOption(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return fallback;
  const raw = process.argv[index + 1] ?? "";
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1)
    throw new Error(`--${name} expects a whole number of at least 1, got "${raw}"`);
  return value;
}

/** The value after `--name` on the command line, if given. */
export function stringOption(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : process.argv[index + 1];
}

/** Writes `bench/results/<name>` as indented JSON and returns its path. */
export function writeResults(name: string, data: unknown): string {
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, name);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}

/** Where and under what load a run happened, to read its figures against. */
export function machineContext(): Record<string, unknown> {
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: availableParallelism(),
    loadAverage: loadavg().map((value) => Number(value.toFixed(2))),
    at: new Date().toISOString(),
  };
}
