import type { DailyDecisionCount } from "../audit/decision-query-types.js";
import { html, type SafeHtml } from "./html.js";

const outcomeColours: ReadonlyArray<readonly [string, string]> = [
  ["allow", "#2f9e5b"],
  ["deny", "#d64541"],
  ["rate_limited", "#e08a1e"],
  ["require_approval", "#3d6fd9"],
  ["unavailable", "#7b8494"],
];
const otherColour = "#a36cc9";

const width = 1100;
const height = 260;
const plot = { left: 40, right: 10, top: 36, bottom: 30 };

/** The last `count` UTC days, oldest first, as `YYYY-MM-DD`. */
export function recentDays(count: number, now: Date = new Date()): string[] {
  return Array.from({ length: count }, (_, index) => {
    const day = new Date(
      Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (count - 1 - index)),
    );
    return day.toISOString().slice(0, 10);
  });
}

/**
 * Decisions per day as stacked bars, one colour per outcome, with a legend and a text
 * summary for screen readers. Pure SVG rendered on the server: no script, no external file.
 */
export function renderDailyChart(counts: readonly DailyDecisionCount[], days: readonly string[]): SafeHtml {
  const outcomes = outcomesIn(counts);
  const perDay = new Map(days.map((day) => [day, new Map<string, number>()]));
  for (const { day, decision, count } of counts) perDay.get(day)?.set(decision, count);
  const totals = days.map((day) => sum([...(perDay.get(day)?.values() ?? [])]));
  const top = niceCeiling(Math.max(0, ...totals));
  const plotWidth = width - plot.left - plot.right;
  const plotHeight = height - plot.top - plot.bottom;
  const slot = plotWidth / Math.max(1, days.length);
  const y = (value: number) => plot.top + plotHeight - (value / top) * plotHeight;
  const title = `Decisions per day by outcome, last ${days.length} days (UTC)`;

  const bars = days.map((day, index) => {
    let base = 0;
    const x = plot.left + index * slot + slot * 0.18;
    const segments = outcomes.map(([outcome, colour]) => {
      const value = perDay.get(day)?.get(outcome) ?? 0;
      if (value === 0) return "";
      const rect = html`<rect
        x="${x.toFixed(1)}"
        y="${y(base + value).toFixed(1)}"
        width="${(slot * 0.64).toFixed(1)}"
        height="${(y(base) - y(base + value)).toFixed(1)}"
        fill="${colour}"
        data-day="${day}"
        data-outcome="${outcome}"
        data-count="${value}"
        ><title>${day}: ${value} ${outcome}</title></rect
      >`;
      base += value;
      return rect;
    });
    const label = html`<text
      x="${(plot.left + index * slot + slot / 2).toFixed(1)}"
      y="${height - 10}"
      text-anchor="middle"
      class="tick"
      >${day.slice(5)}</text
    >`;
    return html`<g>${segments}${label}</g>`;
  });

  return html`<svg
    class="daily-chart"
    viewBox="0 0 ${width} ${height}"
    role="img"
    aria-labelledby="daily-chart-title daily-chart-desc"
    font-family="system-ui, sans-serif"
    font-size="11"
  >
    <title id="daily-chart-title">${title}</title>
    <desc id="daily-chart-desc">${summary(counts, outcomes)}</desc>
    ${gridLines(top, y)} ${bars} ${legend(outcomes)}
  </svg>`;
}

function outcomesIn(counts: readonly DailyDecisionCount[]): Array<readonly [string, string]> {
  const extra = [...new Set(counts.map((count) => count.decision))]
    .filter((decision) => !outcomeColours.some(([known]) => known === decision))
    .sort()
    .map((decision) => [decision, otherColour] as const);
  return [...outcomeColours, ...extra];
}

function gridLines(top: number, y: (value: number) => number): SafeHtml[] {
  // `top` is 1, 2 or 5 times a power of ten: these step counts keep every label whole.
  const steps = top <= 5 ? top : top / 10 ** Math.floor(Math.log10(top)) === 2 ? 4 : 5;
  return Array.from({ length: steps + 1 }, (_, index) => {
    const value = (top / steps) * index;
    const at = y(value).toFixed(1);
    return html`<line
        x1="${plot.left}"
        x2="${width - plot.right}"
        y1="${at}"
        y2="${at}"
        stroke="#dfe3ea"
        stroke-width="1"
      /><text x="${plot.left - 6}" y="${at}" dy="4" text-anchor="end" fill="#5d6677"
        >${Math.round(value)}</text
      >`;
  });
}

function legend(outcomes: ReadonlyArray<readonly [string, string]>): SafeHtml {
  const itemWidth = 130;
  const items = outcomes.map(
    ([outcome, colour], index) =>
      html`<g transform="translate(${plot.left + index * itemWidth} 8)">
        <rect width="12" height="12" rx="2" fill="${colour}" /><text x="17" y="10" fill="#1d2330"
          >${outcome}</text
        ></g
      >`,
  );
  return html`<g class="legend">${items}</g>`;
}

function summary(
  counts: readonly DailyDecisionCount[],
  outcomes: ReadonlyArray<readonly [string, string]>,
): string {
  const total = sum(counts.map((count) => count.count));
  if (total === 0) return "No decisions in this period.";
  const parts = outcomes
    .map(
      ([outcome]) =>
        [outcome, sum(counts.filter((c) => c.decision === outcome).map((c) => c.count))] as const,
    )
    .filter(([, count]) => count > 0)
    .map(([outcome, count]) => `${count} ${outcome}`);
  return `${total} decisions: ${parts.join(", ")}.`;
}

/** The smallest 1, 2 or 5 times a power of ten at or above `value` (at least 1). */
function niceCeiling(value: number): number {
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((factor) => factor * power >= value) ?? 10;
  return step * power;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
