import { describe, expect, it } from "vitest";
import type { DailyDecisionCount } from "../../../src/audit/decision-query-types.js";
import { recentDays, renderDailyChart } from "../../../src/ui/daily-chart.js";

interface Bar {
  readonly day: string;
  readonly outcome: string;
  readonly count: number;
  readonly y: number;
  readonly height: number;
}

/** The chart's bar segments, read back from the SVG. */
function bars(svg: string): Bar[] {
  return [...svg.matchAll(/<rect\s[^>]*data-day="([^"]+)"[^>]*>/g)].map((match) => {
    const tag = match[0];
    const attribute = (name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1] ?? "";
    return {
      day: match[1] ?? "",
      outcome: attribute("data-outcome"),
      count: Number(attribute("data-count")),
      y: Number(attribute("y")),
      height: Number(attribute("height")),
    };
  });
}

const days = recentDays(3, new Date("2024-05-03T18:00:00Z"));

describe("the daily decisions chart", () => {
  it("lists the last days in UTC, oldest first, today included", () => {
    expect(days).toEqual(["2024-05-01", "2024-05-02", "2024-05-03"]);
    expect(recentDays(14, new Date("2024-03-01T00:30:00Z"))[0]).toBe("2024-02-17");
  });

  it("stacks one segment per outcome, heights proportional to counts, on a shared baseline", () => {
    const counts: DailyDecisionCount[] = [
      { day: "2024-05-01", decision: "allow", count: 6 },
      { day: "2024-05-01", decision: "deny", count: 2 },
      { day: "2024-05-03", decision: "require_approval", count: 4 },
      { day: "2024-04-01", decision: "allow", count: 99 },
    ];
    const svg = renderDailyChart(counts, days).value;
    const segments = bars(svg);
    expect(segments.map(({ day, outcome, count }) => [day, outcome, count])).toEqual([
      ["2024-05-01", "allow", 6],
      ["2024-05-01", "deny", 2],
      ["2024-05-03", "require_approval", 4],
    ]);
    const [allow, deny, approval] = segments as [Bar, Bar, Bar];
    expect(allow.height / deny.height).toBeCloseTo(3, 1);
    expect(allow.height / approval.height).toBeCloseTo(1.5, 1);
    // Stacked: the deny segment sits right on top of the allow segment.
    expect(deny.y + deny.height).toBeCloseTo(allow.y, 1);
    expect(allow.y + allow.height).toBeCloseTo(approval.y + approval.height, 1);
    expect(svg).toContain("<title>2024-05-01: 6 allow</title>");
  });

  it("is labelled for assistive technology and has a legend for every outcome", () => {
    const svg = renderDailyChart([{ day: "2024-05-02", decision: "rate_limited", count: 3 }], days).value;
    expect(svg).toMatch(/^<svg[^>]*role="img"[^>]*aria-labelledby="daily-chart-title daily-chart-desc"/);
    expect(svg).toContain(
      '<title id="daily-chart-title">Decisions per day by outcome, last 3 days (UTC)</title>',
    );
    expect(svg).toContain('<desc id="daily-chart-desc">3 decisions: 3 rate_limited.</desc>');
    for (const outcome of ["allow", "deny", "rate_limited", "require_approval", "unavailable"]) {
      expect(svg).toMatch(new RegExp(`<g class="legend">[\\s\\S]*>\\s*${outcome}\\s*</text`));
    }
    expect(svg).toMatch(/>\s*05-02\s*<\/text/);
  });

  it("draws an empty period without bars and escapes unknown outcome names", () => {
    expect(bars(renderDailyChart([], days).value)).toEqual([]);
    expect(renderDailyChart([], days).value).toContain("No decisions in this period.");
    const svg = renderDailyChart([{ day: "2024-05-03", decision: "<b>odd</b>", count: 1 }], days).value;
    expect(svg).not.toContain("<b>");
    expect(svg).toContain("&lt;b&gt;odd&lt;/b&gt;");
  });
});
