import type { types as slack } from "@slack/bolt";
import type { ApprovalRequest } from "../approvals/types.js";
import { mrkdwnText } from "./slack-text.js";

export type View = slack.View;

export const denyModalCallbackId = "approval_deny_reason";
export const reasonBlockId = "reason_block";
export const reasonActionId = "reason";

const maxReasonLength = 500;

/**
 * What the deny modal carries back on submission: the request, and the channel of the
 * message it was opened from (a view submission names no channel, and the answer to the
 * reviewer goes there).
 */
export interface DenyModalMetadata {
  readonly id: string;
  readonly channel: string | null;
}

/** The modal asking why a request is denied; the reason is required when the rule says so. */
export function renderDenyModal(request: ApprovalRequest, options: { channel: string | null }): View {
  const metadata: DenyModalMetadata = { id: request.id, channel: options.channel ?? request.slackChannel };
  return {
    type: "modal",
    callback_id: denyModalCallbackId,
    private_metadata: JSON.stringify(metadata),
    title: { type: "plain_text", text: "Deny request" },
    submit: { type: "plain_text", text: "Deny" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: `Deny *${mrkdwnText(request.tool, 200)}* for agent *${mrkdwnText(request.agentId, 200)}*?`,
        },
      },
      {
        type: "input",
        block_id: reasonBlockId,
        optional: !request.requireReasonOnDeny,
        label: { type: "plain_text", text: request.requireReasonOnDeny ? "Reason" : "Reason (optional)" },
        element: {
          type: "plain_text_input",
          action_id: reasonActionId,
          multiline: true,
          max_length: maxReasonLength,
        },
      },
    ],
  };
}

/** The metadata of a submitted deny modal, or undefined when it is not one of ours. */
export function parseDenyModalMetadata(text: string): DenyModalMetadata | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const { id, channel } = parsed as Record<string, unknown>;
  if (typeof id !== "string" || id.length === 0) return undefined;
  return { id, channel: typeof channel === "string" ? channel : null };
}
