import { createHash } from "node:crypto";
import type { ApprovalRequest } from "../approvals/types.js";
import { formatArguments, formatDuration, formatTime } from "./format.js";
import { html, type SafeHtml } from "./html.js";
import { csrfField, renderPage, type PageContext } from "./layout.js";

/** One row of the live queue, as `/pending.json` sends it. */
export interface PendingRow {
  readonly id: string;
  /** Changes whenever the row's content does (votes, expiry); the browser swaps only changed rows. */
  readonly version: string;
  readonly html: string;
}

/** The pending-approvals page; the table stays live through `/pending.json`. */
export function renderQueuePage(
  context: PageContext,
  pending: readonly ApprovalRequest[],
  now: Date,
): SafeHtml {
  const rows = pending.map((request) => renderPendingRow(context, request, now));
  return renderPage(context, {
    title: "Approvals",
    section: "queue",
    body: html`<section class="queue">
      <div class="heading">
        <h1>Pending approvals <span class="count" data-queue-count>${pending.length}</span></h1>
        <p class="live" data-live-status aria-live="polite">Live: refreshes every 2 seconds.</p>
      </div>
      <p class="empty" data-queue-empty${pending.length > 0 ? html` hidden` : ""}>
        No calls are waiting for approval.
      </p>
      <table
        class="data"
        data-live-queue
        data-source="${context.base}/pending.json"
        data-login="${context.base}/login"
        ${pending.length === 0 ? html` hidden` : ""}
      >
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">Call</th>
            <th scope="col">Rule</th>
            <th scope="col">Arguments</th>
            <th scope="col">Waiting</th>
            <th scope="col">Expires</th>
            <th scope="col">Votes</th>
            <th scope="col">Decide</th>
          </tr>
        </thead>
        <tbody>
          ${rows}
        </tbody>
      </table>
    </section>`,
  });
}

/** The rows for the live refresh. */
export function pendingRows(
  context: PageContext,
  pending: readonly ApprovalRequest[],
  now: Date,
): PendingRow[] {
  return pending.map((request) => ({
    id: request.id,
    version: rowVersion(request),
    html: renderPendingRow(context, request, now).value,
  }));
}

export function renderPendingRow(context: PageContext, request: ApprovalRequest, now: Date): SafeHtml {
  const action = `${context.base}/approvals/${encodeURIComponent(request.id)}`;
  return html`<tr data-id="${request.id}" data-version="${rowVersion(request)}">
    <td>${request.agentId}</td>
    <td><span class="upstream">${request.upstream}</span> / <strong class="tool">${request.tool}</strong></td>
    <td><code>${request.ruleId}</code></td>
    <td><pre class="args">${formatArguments(request.arguments)}</pre></td>
    <td>
      <time datetime="${request.createdAt.toISOString()}" data-since title="${formatTime(request.createdAt)}">
        ${formatDuration(now.getTime() - request.createdAt.getTime())}</time
      >
    </td>
    <td>
      <time datetime="${request.expiresAt.toISOString()}" data-until title="${formatTime(request.expiresAt)}">
        in ${formatDuration(request.expiresAt.getTime() - now.getTime())}</time
      >
    </td>
    <td>${renderVotes(request)}</td>
    <td class="decide">
      <form method="post" action="${action}/approve">
        ${csrfField(context.csrfToken)}
        <button type="submit" class="approve">Approve</button>
      </form>
      <form method="post" action="${action}/deny" class="deny">
        ${csrfField(context.csrfToken)}
        <input
          name="reason"
          maxlength="500"
          aria-label="Reason for denying ${request.tool}"
          placeholder="${request.requireReasonOnDeny ? "Reason (required)" : "Reason (optional)"}"
          ${request.requireReasonOnDeny ? html`required` : ""}
        />
        <button type="submit" class="deny">Deny</button>
      </form>
    </td>
  </tr>`;
}

function renderVotes(request: ApprovalRequest): SafeHtml {
  const approvals = request.votes.filter((vote) => vote.vote === "approve").length;
  const voters = request.votes.map(
    (vote) => html`<li>${vote.reviewerName}: ${vote.vote}${vote.reason ? html` (${vote.reason})` : ""}</li>`,
  );
  return html`<span class="quorum">${approvals} of ${request.quorum}</span>${
      voters.length > 0
        ? html`<ul class="voters">
            ${voters}
          </ul>`
        : ""
    }`;
}

function rowVersion(request: ApprovalRequest): string {
  const state = JSON.stringify([request.status, request.expiresAt.getTime(), request.votes.length]);
  return createHash("sha256").update(state).digest("base64url").slice(0, 16);
}
