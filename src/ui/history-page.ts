import type { DecisionPage, DecisionView } from "../audit/decision-query-types.js";
import { badge } from "./decision-badges.js";
import { formatDuration, formatTime } from "./format.js";
import { decisionKinds, historySearch, type HistoryQuery } from "./history-query.js";
import { html, type SafeHtml } from "./html.js";
import { renderPage, type PageContext } from "./layout.js";

/** The decision history: chart, filter form, newest-first table, "Older" link. */
export function renderHistoryPage(
  context: PageContext,
  view: { query: HistoryQuery; page: DecisionPage; chart: SafeHtml },
): SafeHtml {
  const { query, page } = view;
  const older = page.nextCursor
    ? html`<a rel="next" href="${context.base}/history${historySearch(query.form, page.nextCursor)}"
        >Older →</a
      >`
    : "";
  const newest = query.cursor
    ? html`<a href="${context.base}/history${historySearch(query.form)}">Newest</a>`
    : "";
  return renderPage(context, {
    title: "History",
    section: "history",
    body: html`<h1>Decision history</h1>
      <figure class="chart">${view.chart}</figure>
      ${renderFilterForm(context, query)}
      ${query.problems.map((problem) => html`<p class="flash flash-error" role="alert">${problem}</p>`)}
      ${
        page.items.length === 0
          ? html`<p class="empty">No decisions match these filters.</p>`
          : html`<table class="data history">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Agent</th>
                  <th scope="col">Call</th>
                  <th scope="col">Decision</th>
                  <th scope="col">Rule</th>
                  <th scope="col">Approval</th>
                  <th scope="col">Reviewers</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Latency</th>
                </tr>
              </thead>
              <tbody>
                ${page.items.map((item) => renderHistoryRow(context, item))}
              </tbody>
            </table>`
      }
      <nav class="pager" aria-label="Pages">${newest}${older}</nav>`,
  });
}

function renderFilterForm(context: PageContext, query: HistoryQuery): SafeHtml {
  const { form } = query;
  const text = (name: keyof typeof form, label: string, type = "text") =>
    html`<label>${label}<input name="${name}" type="${type}" value="${form[name]}" /></label>`;
  const options = decisionKinds.map(
    (kind) => html`<option value="${kind}" ${form.decision === kind ? html` selected` : ""}>${kind}</option>`,
  );
  return html`<form class="filters" method="get" action="${context.base}/history" role="search">
    ${text("agent", "Agent")} ${text("upstream", "Upstream")} ${text("tool", "Tool")}
    <label
      >Decision<select name="decision">
        <option value="">any</option>
        ${options}
      </select></label
    >
    ${text("reviewer", "Reviewer")} ${text("from", "From (UTC day)", "date")}
    ${text("to", "To (UTC day)", "date")} ${text("q", "Rule or reason contains", "search")}
    <div class="actions">
      <button type="submit" class="primary">Filter</button> <a href="${context.base}/history">Clear</a>
    </div>
  </form>`;
}

function renderHistoryRow(context: PageContext, item: DecisionView): SafeHtml {
  const href = `${context.base}/decisions/${encodeURIComponent(item.id)}`;
  return html`<tr data-id="${item.id}">
    <td>
      <a href="${href}"
        ><time datetime="${item.createdAt.toISOString()}">${formatTime(item.createdAt)}</time></a
      >
    </td>
    <td>${item.agentId}</td>
    <td><span class="upstream">${item.upstream}</span> / <a href="${href}" class="tool">${item.tool}</a></td>
    <td>
      ${badge(item.decision)}${item.shadowDecision ? html` <span class="muted">shadow: ${item.shadowDecision}</span>` : ""}
    </td>
    <td>${item.ruleId ? html`<code>${item.ruleId}</code>` : "–"}</td>
    <td>${item.approvalStatus ? badge(item.approvalStatus) : "–"}</td>
    <td>${item.reviewers.length > 0 ? item.reviewers.join(", ") : "–"}</td>
    <td>${item.outcome ? badge(item.outcome) : "–"}</td>
    <td>${formatDuration(item.latencyMs)}</td>
  </tr>`;
}
