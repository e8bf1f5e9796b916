/**
 * A strict parser of the Prometheus text exposition format (version 0.0.4), written
 * independently of prom-client so tests check what a scraper would actually read.
 */

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface MetricFamily {
  readonly name: string;
  help?: string;
  type?: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  readonly samples: Sample[];
}

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const types = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);
const suffixes: Record<string, readonly string[]> = {
  histogram: ["_bucket", "_sum", "_count"],
  summary: ["_sum", "_count"],
};

/** Parses an exposition; throws naming the line on anything a strict scraper would reject. */
export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  if (text !== "" && !text.endsWith("\n")) throw new Error("exposition must end with a newline");
  const families = new Map<string, MetricFamily>();
  const seenSamples = new Set<string>();
  text.split("\n").forEach((line, index) => {
    const where = `line ${index + 1} (${JSON.stringify(line)})`;
    if (line.trim() === "") return;
    if (line.startsWith("#")) return parseComment(line, families, where);
    const sample = parseSample(line, where);
    const family = familyOf(sample.name, families);
    if (!family?.type) throw new Error(`${where}: sample before its # TYPE line`);
    const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (seenSamples.has(key)) throw new Error(`${where}: duplicate sample`);
    seenSamples.add(key);
    family.samples.push(sample);
  });
  for (const family of families.values()) if (family.type === "histogram") checkHistogram(family);
  return families;
}

/** The one sample named `name` whose labels include `labels`; 0 when there is none. */
export function sampleValue(
  families: Map<string, MetricFamily>,
  name: string,
  labels: Record<string, string> = {},
): number {
  const matches = [...families.values()]
    .flatMap((family) => family.samples)
    .filter((sample) => sample.name === name)
    .filter((sample) => Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
  if (matches.length > 1)
    throw new Error(`${matches.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return matches[0]?.value ?? 0;
}

function parseComment(line: string, families: Map<string, MetricFamily>, where: string): void {
  const match = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
  if (!match) return; // any other comment is allowed
  const [, keyword, name = "", rest = ""] = match;
  if (!metricName.test(name)) throw new Error(`${where}: bad metric name`);
  const family = families.get(name) ?? { name, samples: [] };
  families.set(name, family);
  if (keyword === "HELP") {
    if (family.help !== undefined) throw new Error(`${where}: second HELP for ${name}`);
    family.help = unescape(rest, false, where);
    return;
  }
  if (family.type !== undefined) throw new Error(`${where}: second TYPE for ${name}`);
  if (family.samples.length > 0) throw new Error(`${where}: TYPE after samples of ${name}`);
  if (!types.has(rest)) throw new Error(`${where}: unknown type ${rest}`);
  family.type = rest as MetricFamily["type"];
}

function parseSample(line: string, where: string): Sample {
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)(?: (-?\d+))?$/.exec(line);
  if (!match) throw new Error(`${where}: not a sample line`);
  const [, name = "", labelText, valueText = ""] = match;
  return {
    name,
    labels: labelText ? parseLabels(labelText, where) : {},
    value: parseValue(valueText, where),
  };
}

function parseLabels(text: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text.slice(1, -1);
  while (rest !== "") {
    const match = /^([^=]+)="((?:[^"\\]|\\.)*)"(,?)/.exec(rest);
    if (!match) throw new Error(`${where}: bad label list`);
    const [whole, name = "", raw = "", comma] = match;
    if (!labelName.test(name)) throw new Error(`${where}: bad label name ${name}`);
    if (name in labels) throw new Error(`${where}: label ${name} repeated`);
    labels[name] = unescape(raw, true, where);
    rest = rest.slice(whole.length);
    if (comma === "" && rest !== "") throw new Error(`${where}: labels must be comma-separated`);
  }
  return labels;
}

// Prometheus reads values with Go's ParseFloat, which takes NaN and Inf in any letter case.
function parseValue(text: string, where: string): number {
  if (/^\+?inf(inity)?$/i.test(text)) return Infinity;
  if (/^-inf(inity)?$/i.test(text)) return -Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`${where}: bad value ${text}`);
  return Number(text);
}

function unescape(text: string, quoted: boolean, where: string): string {
  return text.replace(/\\(.)/g, (_, escaped: string) => {
    if (escaped === "\\") return "\\";
    if (escaped === "n") return "\n";
    if (escaped === '"' && quoted) return '"';
    throw new Error(`${where}: bad escape \\${escaped}`);
  });
}

function familyOf(sampleName: string, families: Map<string, MetricFamily>): MetricFamily | undefined {
  const exact = families.get(sampleName);
  if (exact && !suffixes[exact.type ?? ""]) return exact;
  for (const family of families.values()) {
    const allowed = suffixes[family.type ?? ""] ?? [];
    if (allowed.some((suffix) => sampleName === `${family.name}${suffix}`)) return family;
  }
  return undefined;
}

/** Buckets are cumulative, end with `+Inf`, and `+Inf` equals `_count`, per label set. */
function checkHistogram(family: MetricFamily): void {
  const series = new Map<string, Sample[]>();
  for (const sample of family.samples.filter((sample) => sample.name.endsWith("_bucket"))) {
    const { le, ...rest } = sample.labels;
    if (le === undefined) throw new Error(`${family.name}: bucket without le`);
    const key = JSON.stringify(Object.entries(rest).sort());
    series.set(key, [...(series.get(key) ?? []), sample]);
  }
  for (const [key, buckets] of series) {
    const bounds = buckets.map((bucket) => parseValue(bucket.labels.le ?? "", family.name));
    if (bounds.at(-1) !== Infinity) throw new Error(`${family.name}${key}: no +Inf bucket`);
    for (let i = 1; i < buckets.length; i += 1) {
      if ((bounds[i] ?? 0) <= (bounds[i - 1] ?? 0))
        throw new Error(`${family.name}${key}: le not increasing`);
      if ((buckets[i]?.value ?? 0) < (buckets[i - 1]?.value ?? 0)) {
        throw new Error(`${family.name}${key}: buckets not cumulative`);
      }
    }
    const count = family.samples.find(
      (sample) =>
        sample.name === `${family.name}_count` &&
        JSON.stringify(Object.entries(sample.labels).sort()) === key,
    );
    if (count?.value !== buckets.at(-1)?.value)
      throw new Error(`${family.name}${key}: +Inf bucket != _count`);
  }
}
