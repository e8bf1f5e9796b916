import type pg from "pg";
import { approveActionId } from "../../src/slack/approval-message.js";
import { blockActionPayload, signedSlackRequest } from "../../test/support/slack-requests.js";

export const signingSecret = "bench-signing-secret-0123456789";
export const approvalChannel = "C0APPROVALS";
export const reviewer = { id: "U0REVIEWER", username: "reviewer" };

const pollEveryMs = 5;
const pollTimeoutMs = 30_000;

/** An approval request as the reviewer sees it: posted to Slack, with buttons to click. */
export interface PostedRequest {
  readonly id: string;
  readonly messageTs: string;
}

/**
 * Waits for the request row of the `create_api_key` call named `name`, once it carries the
 * Slack message ts: a reviewer cannot click before the message is posted.
 */
export async function waitForPostedRequest(poller: pg.Client, name: string): Promise<PostedRequest> {
  const deadline = Date.now() + pollTimeoutMs;
  for (;;) {
    const { rows } = await poller.query<{ id: string; slack_message_ts: string }>(
      "SELECT id, slack_message_ts FROM approval_requests WHERE arguments->>'name' = $1 AND slack_message_ts IS NOT NULL",
      [name],
    );
    const row = rows[0];
    if (row) return { id: row.id, messageTs: row.slack_message_ts };
    if (Date.now() > deadline) {
      throw new Error(`no posted approval request for ${name} within ${pollTimeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollEveryMs));
  }
}

/** POSTs a signed Approve click to a replica's Slack endpoint, as Slack would. */
export function postApproveClick(replicaUrl: string, pending: PostedRequest): Promise<globalThis.Response> {
  const payload = blockActionPayload({
    actionId: approveActionId,
    approvalId: pending.id,
    user: reviewer,
    channelId: approvalChannel,
    messageTs: pending.messageTs,
  });
  const request = signedSlackRequest(payload, { signingSecret });
  return fetch(`${replicaUrl}/slack/events`, {
    method: "POST",
    headers: request.headers,
    body: request.body,
  });
}
