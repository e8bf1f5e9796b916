import { describe, expect, it } from "vitest";
import { parsePrometheusText, sampleValue } from "../../support/prometheus-text.js";

const valid = [
  "# HELP calls_total Calls, with a \\\\ and a \\n in the help",
  "# TYPE calls_total counter",
  'calls_total{tool="a\\"b",decision="allow"} 3',
  'calls_total{tool="c",decision="deny"} 1',
  "# TYPE wait_seconds histogram",
  'wait_seconds_bucket{le="1"} 1',
  'wait_seconds_bucket{le="+Inf"} 2',
  "wait_seconds_sum 3.5",
  "wait_seconds_count 2",
  "",
].join("\n");

describe("the test's Prometheus text parser", () => {
  it("reads families, help, types, escaped labels and values", () => {
    const families = parsePrometheusText(valid);
    expect(families.get("calls_total")?.type).toBe("counter");
    expect(families.get("calls_total")?.help).toBe("Calls, with a \\ and a \n in the help");
    expect(sampleValue(families, "calls_total", { tool: 'a"b' })).toBe(3);
    expect(sampleValue(families, "wait_seconds_count")).toBe(2);
    expect(sampleValue(families, "calls_total", { tool: "missing" })).toBe(0);
    expect(() => sampleValue(families, "calls_total")).toThrow(/2 samples/);
  });

  it.each([
    ["a sample before its TYPE", "x 1\n"],
    ["a bad value", "# TYPE x gauge\nx one\n"],
    ["a missing final newline", "# TYPE x gauge\nx 1"],
    ["an unquoted label value", "# TYPE x gauge\nx{a=b} 1\n"],
    ["a repeated label", '# TYPE x gauge\nx{a="1",a="2"} 1\n'],
    ["a duplicate sample", "# TYPE x gauge\nx 1\nx 2\n"],
    ["a second TYPE", "# TYPE x gauge\n# TYPE x counter\n"],
    ["an unknown type", "# TYPE x meter\n"],
    ["a bad escape", '# TYPE x gauge\nx{a="\\t"} 1\n'],
    ["non-cumulative buckets", '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\n'],
    ["a histogram without +Inf", '# TYPE h histogram\nh_bucket{le="1"} 1\nh_count 1\n'],
    ["+Inf differing from _count", '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_count 1\n'],
  ])("rejects %s", (_label, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});
