import type { ApprovalRequest } from "../approvals/types.js";
import type { DecisionDetail, TimelineEvent } from "../audit/decision-query-types.js";
import { badge } from "./decision-badges.js";
import { formatArguments, formatDuration, formatTime } from "./format.js";
import { html, type HtmlValue, type SafeHtml } from "./html.js";
import { renderPage, type PageContext } from "./layout.js";

const timelineLabels: Record<TimelineEvent["kind"], string> = {
  requested: "Requested",
  posted_to_slack: "Posted to Slack",
  vote: "Vote",
  decided: "Decided",
  forwarded: "Forwarded",
  upstream_outcome: "Upstream outcome",
  recorded: "Recorded",
};

/** One decision: every field, its approval request, and what happened when. */
export function renderDecisionPage(context: PageContext, detail: DecisionDetail): SafeHtml {
  return renderPage(context, {
    title: `${detail.tool} decision`,
    section: "history",
    body: html`<p><a href="${context.base}/history">← History</a></p>
      <h1>${detail.upstream} / ${detail.tool} ${badge(detail.decision)}</h1>
      <h2>Timeline</h2>
      <ol class="timeline" data-timeline>
        ${detail.timeline.map(renderEvent)}
      </ol>
      <h2>Decision</h2>
      ${fields([
        ["Decision id", html`<code>${detail.id}</code>`],
        ["Time", formatTime(detail.createdAt)],
        ["Agent", detail.agentId],
        ["Session", detail.sessionId],
        ["Request id", detail.requestId],
        ["Upstream", detail.upstream],
        ["Tool", detail.tool],
        ["Decision", badge(detail.decision)],
        ["Rule", detail.ruleId ? html`<code>${detail.ruleId}</code>` : null],
        ["Reason", detail.reason],
        ["Shadow decision", detail.shadowDecision],
        ["Shadow rule", detail.shadowRuleId],
        ["Outcome", detail.outcome ? badge(detail.outcome) : null],
        ["Gateway latency", formatDuration(detail.latencyMs)],
        [
          "Upstream latency",
          detail.upstreamLatencyMs === null ? null : formatDuration(detail.upstreamLatencyMs),
        ],
        ["Approval wait", detail.approvalWaitMs === null ? null : formatDuration(detail.approvalWaitMs)],
        ["Reviewers", detail.reviewers.join(", ")],
        ["Chain position", detail.seq],
        ["Arguments (redacted)", html`<pre class="args">${formatArguments(detail.arguments)}</pre>`],
      ])}
      ${detail.approval ? renderApproval(detail.approval) : ""}`,
  });
}

function renderApproval(approval: ApprovalRequest): SafeHtml {
  const votes = approval.votes.map(
    (vote) =>
      html`<li>
        ${vote.reviewerName} (${vote.channel}): ${vote.vote}${vote.reason ? html` – ${vote.reason}` : ""},
        ${formatTime(vote.createdAt)}
      </li>`,
  );
  return html`<h2>Approval request</h2>
    ${fields([
      ["Approval id", html`<code>${approval.id}</code>`],
      ["Status", badge(approval.status)],
      ["Requested", formatTime(approval.createdAt)],
      ["Expires", formatTime(approval.expiresAt)],
      ["Quorum", String(approval.quorum)],
      ["On timeout", approval.onTimeout],
      ["Approvers", approval.approvers.length > 0 ? approval.approvers.join(", ") : "anyone"],
      ["Decided", approval.decidedAt ? formatTime(approval.decidedAt) : null],
      ["Decided by", approval.decidedBy],
      ["Decision reason", approval.decisionReason],
      ["Delivered", approval.deliveredAt ? formatTime(approval.deliveredAt) : null],
      ["Execution", approval.executionOutcome ? badge(approval.executionOutcome) : null],
      [
        "Votes",
        votes.length > 0
          ? html`<ul class="voters">
              ${votes}
            </ul>`
          : null,
      ],
    ])}`;
}

function renderEvent(event: TimelineEvent): SafeHtml {
  return html`<li data-kind="${event.kind}">
    <span class="kind">${timelineLabels[event.kind]}</span>${event.actor ? html` · ${event.actor}` : ""}
    <time class="at" datetime="${event.at.toISOString()}">${formatTime(event.at)}</time>
    <div class="detail">${event.detail}</div>
  </li>`;
}

function fields(rows: ReadonlyArray<readonly [string, HtmlValue]>): SafeHtml {
  const shown = rows.filter(([, value]) => value !== null && value !== undefined && value !== "");
  return html`<dl class="fields">
    ${shown.map(
      ([label, value]) =>
        html`<dt>${label}</dt>
          <dd>${value}</dd>`,
    )}
  </dl>`;
}
