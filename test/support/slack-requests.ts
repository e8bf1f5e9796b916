import { createHmac } from "node:crypto";

/**
 * Interaction requests built exactly as Slack sends them: a form-encoded `payload` field
 * holding JSON, signed with the app's signing secret over `v0:<timestamp>:<raw body>`.
 */

export interface SlackTestUser {
  readonly id: string;
  readonly username: string;
}

export interface BlockActionOptions {
  readonly actionId: string;
  readonly approvalId: string;
  readonly user: SlackTestUser;
  readonly channelId: string;
  readonly messageTs: string;
  readonly triggerId?: string;
}

/** A `block_actions` payload: a click on a button of a request message. */
export function blockActionPayload(options: BlockActionOptions): Record<string, unknown> {
  return {
    type: "block_actions",
    team: { id: "T0FAKE", domain: "fake" },
    user: {
      id: options.user.id,
      username: options.user.username,
      name: options.user.username,
      team_id: "T0FAKE",
    },
    api_app_id: "A0FAKE",
    token: "legacy-verification-token",
    container: {
      type: "message",
      message_ts: options.messageTs,
      channel_id: options.channelId,
      is_ephemeral: false,
    },
    trigger_id: options.triggerId ?? "1111.2222.trigger",
    channel: { id: options.channelId, name: "approvals" },
    message: { type: "message", ts: options.messageTs, text: "Approval needed" },
    response_url: "https://hooks.slack.test/actions/T0FAKE/1/response",
    actions: [
      {
        type: "button",
        action_id: options.actionId,
        block_id: "approval_decision",
        value: options.approvalId,
        text: { type: "plain_text", text: "button" },
        action_ts: `${Math.floor(Date.now() / 1000)}.000100`,
      },
    ],
  };
}

export interface ViewSubmissionOptions {
  readonly approvalId: string;
  readonly channelId: string | null;
  /** What the reviewer typed; null when the input was left empty. */
  readonly reason: string | null;
  readonly user: SlackTestUser;
  readonly callbackId?: string;
}

/** A `view_submission` payload of the deny modal. */
export function viewSubmissionPayload(options: ViewSubmissionOptions): Record<string, unknown> {
  return {
    type: "view_submission",
    team: { id: "T0FAKE", domain: "fake" },
    user: {
      id: options.user.id,
      username: options.user.username,
      name: options.user.username,
      team_id: "T0FAKE",
    },
    api_app_id: "A0FAKE",
    token: "legacy-verification-token",
    trigger_id: "3333.4444.trigger",
    view: {
      id: "V0FAKE",
      team_id: "T0FAKE",
      type: "modal",
      callback_id: options.callbackId ?? "approval_deny_reason",
      private_metadata: JSON.stringify({ id: options.approvalId, channel: options.channelId }),
      blocks: [],
      state: { values: { reason_block: { reason: { type: "plain_text_input", value: options.reason } } } },
      hash: "1700000000.fakehash",
      title: { type: "plain_text", text: "Deny request" },
      app_id: "A0FAKE",
      bot_id: "B0BOT",
      root_view_id: "V0FAKE",
      previous_view_id: null,
      clear_on_close: false,
      notify_on_close: false,
      close: null,
      submit: null,
    },
    response_urls: [],
  };
}

export interface SigningOptions {
  readonly signingSecret: string;
  /** Unix seconds; defaults to now. */
  readonly timestamp?: number;
  /** Sign with a different secret, as a forger who does not know it would. */
  readonly forge?: boolean;
}

export interface SignedSlackRequest {
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The request as Slack would POST it, ready for `fetch(url, { method: "POST", ...request })`. */
export function signedSlackRequest(
  payload: Record<string, unknown>,
  options: SigningOptions,
): SignedSlackRequest {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const secret = options.forge ? `${options.signingSecret}-forged` : options.signingSecret;
  const signature = createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex");
  return {
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": `v0=${signature}`,
    },
    body,
  };
}
