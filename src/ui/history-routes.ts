import type { Router } from "express";
import type { DecisionQueries } from "../audit/decision-queries.js";
import type { AdminSessions } from "./admin-sessions.js";
import { recentDays, renderDailyChart } from "./daily-chart.js";
import { renderDecisionPage } from "./decision-page.js";
import { sendErrorPage } from "./error-page.js";
import { parseHistoryQuery } from "./history-query.js";
import { renderHistoryPage } from "./history-page.js";
import { pageContext } from "./session-guard.js";

const historyPageSize = 50;
const chartDays = 14;

/** The decision history (chart, filters, pages) and the detail page of one decision. */
export function addHistoryRoutes(
  router: Router,
  deps: { queries: DecisionQueries; sessions: AdminSessions },
): void {
  router.get("/history", async (req, res) => {
    const context = pageContext(req, res, deps.sessions);
    const query = parseHistoryQuery(req.query);
    // The chart has its own period; the other filters narrow it like the table.
    const { from: _from, to: _to, ...chartFilter } = query.filter;
    const [page, counts] = await Promise.all([
      deps.queries.list(query.filter, {
        limit: historyPageSize,
        ...(query.cursor ? { cursor: query.cursor } : {}),
      }),
      deps.queries.dailyCounts(chartFilter, chartDays),
    ]);
    const chart = renderDailyChart(counts, recentDays(chartDays));
    res.type("html").send(renderHistoryPage(context, { query, page, chart }).value);
  });

  router.get("/decisions/:id", async (req, res) => {
    const context = pageContext(req, res, deps.sessions);
    const detail = await deps.queries.get(String(req.params.id));
    if (!detail) {
      sendErrorPage(req, res, 404, "There is no decision with that id.");
      return;
    }
    res.type("html").send(renderDecisionPage(context, detail).value);
  });
}
