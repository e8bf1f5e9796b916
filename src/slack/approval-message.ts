import type { types as slack } from "@slack/bolt";
import type { ApprovalRequest, ApprovalStatus } from "../approvals/types.js";
import { renderArgumentFields } from "./argument-fields.js";
import { describeDecision, describeOutcome, quorumProgress } from "./review-status-text.js";
import { mrkdwnText, plainText, slackDate } from "./slack-text.js";

export type KnownBlock = slack.KnownBlock;

export const approveActionId = "approval_approve";
export const denyActionId = "approval_deny";

export interface RenderedApprovalMessage {
  /** Notification and accessibility fallback for the blocks. */
  readonly text: string;
  readonly blocks: KnownBlock[];
}

// Slack's limits: 150 characters for a header, 2,000 for a field.
const headerPrefix = "Approval needed: ";
const maxHeaderLength = 150;
const maxDetailLength = 200;

const statusWords: Record<ApprovalStatus, string> = {
  pending: "Approval needed",
  approved: "Approved",
  denied: "Denied",
  expired: "Expired",
  cancelled: "Cancelled",
};

/**
 * The Slack message for an approval request. Pending requests carry Approve and Deny
 * buttons; finished ones say who decided and when, and how the upstream call went.
 */
export function renderApprovalRequest(
  request: ApprovalRequest,
  options: { now: Date },
): RenderedApprovalMessage {
  const blocks: KnownBlock[] = [
    {
      type: "header",
      text: {
        type: "plain_text",
        text: headerPrefix + plainText(request.tool, maxHeaderLength - headerPrefix.length),
      },
    },
    { type: "section", fields: detailFields(request).map(mrkdwn) },
    ...argumentBlocks(request.arguments),
    ...(request.status === "pending" ? [decisionButtons(request)] : statusBlocks(request, options.now)),
    context(
      `Approval \`${mrkdwnText(request.id, maxDetailLength)}\` · requested ${slackDate(request.createdAt)}`,
    ),
  ];
  return { text: fallbackText(request), blocks };
}

function detailFields(request: ApprovalRequest): string[] {
  const fields = [
    `*Agent*\n${mrkdwnText(request.agentId, maxDetailLength)}`,
    `*Upstream*\n${mrkdwnText(request.upstream, maxDetailLength)}`,
    `*Tool*\n${mrkdwnText(request.tool, maxDetailLength)}`,
    `*Policy rule*\n${mrkdwnText(request.ruleId, maxDetailLength)}`,
    `*Expires*\n${slackDate(request.expiresAt)}`,
  ];
  const progress = quorumProgress(request);
  if (progress) fields.push(`*Approvals*\n${progress}`);
  return fields;
}

function argumentBlocks(args: unknown): KnownBlock[] {
  const { fields, hiddenCount } = renderArgumentFields(args);
  if (fields.length === 0) return [{ type: "section", text: mrkdwn("*Arguments:* none") }];
  const blocks: KnownBlock[] = [{ type: "section", text: mrkdwn("*Arguments*"), fields: fields.map(mrkdwn) }];
  if (hiddenCount > 0) blocks.push(context(`+${hiddenCount} more`));
  return blocks;
}

function decisionButtons(request: ApprovalRequest): KnownBlock {
  return {
    type: "actions",
    block_id: "approval_decision",
    elements: [
      {
        type: "button",
        action_id: approveActionId,
        style: "primary",
        text: { type: "plain_text", text: "Approve" },
        value: request.id,
      },
      {
        type: "button",
        action_id: denyActionId,
        style: "danger",
        text: { type: "plain_text", text: "Deny" },
        value: request.id,
      },
    ],
  };
}

function statusBlocks(request: ApprovalRequest, now: Date): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  const decision = describeDecision(request, now);
  if (decision) blocks.push({ type: "section", text: mrkdwn(decision) });
  const outcome = describeOutcome(request);
  if (outcome) blocks.push(context(outcome));
  return blocks;
}

function fallbackText(request: ApprovalRequest): string {
  const tool = mrkdwnText(request.tool, maxDetailLength);
  const agent = mrkdwnText(request.agentId, maxDetailLength);
  const rule = mrkdwnText(request.ruleId, maxDetailLength);
  return `${statusWords[request.status]}: ${tool} (agent ${agent}, rule ${rule})`;
}

function mrkdwn(text: string): slack.MrkdwnElement {
  return { type: "mrkdwn", text };
}

function context(text: string): KnownBlock {
  return { type: "context", elements: [mrkdwn(text)] };
}
