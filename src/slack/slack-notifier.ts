import type { webApi } from "@slack/bolt";
import type { ApprovalNotifier, ApprovalRequest } from "../approvals/types.js";
import { describeError, ErrorCode, GatewayError } from "../errors.js";
import { renderApprovalRequest } from "./approval-message.js";

export interface SlackNotifierOptions {
  readonly client: webApi.WebClient;
  /** Where requests go when their rule names no channel. */
  readonly defaultChannel: string;
  readonly now?: () => Date;
}

/**
 * Posts approval requests to Slack and edits them in place as they change. Failures throw
 * a GatewayError: the approval service's job worker retries them.
 */
export function createSlackNotifier(options: SlackNotifierOptions): ApprovalNotifier {
  const now = options.now ?? (() => new Date());
  return {
    postRequest: async (request) => {
      const channel = request.channel ?? options.defaultChannel;
      const message = renderApprovalRequest(request, { now: now() });
      const result = await callSlack("chat.postMessage", () =>
        options.client.chat.postMessage({ channel, ...message, unfurl_links: false, unfurl_media: false }),
      );
      if (!result.channel || !result.ts) {
        throw new GatewayError(
          ErrorCode.ApprovalUnavailable,
          "Slack chat.postMessage answered without channel and ts",
        );
      }
      return { channel: result.channel, ts: result.ts };
    },
    updateRequest: async (request: ApprovalRequest) => {
      if (!request.slackChannel || !request.slackMessageTs) return;
      const { slackChannel: channel, slackMessageTs: ts } = request;
      const message = renderApprovalRequest(request, { now: now() });
      await callSlack("chat.update", () => options.client.chat.update({ channel, ts, ...message }));
    },
  };
}

async function callSlack<T>(method: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new GatewayError(ErrorCode.ApprovalUnavailable, `Slack ${method} failed: ${describeError(error)}`, {
      cause: error,
    });
  }
}
