import type { App, BlockAction, ButtonAction, ViewOutput, ViewSubmitAction, webApi } from "@slack/bolt";
import type { Logger } from "pino";
import type { ApprovalDecider, Vote } from "../approvals/types.js";
import { describeError } from "../errors.js";
import { approveActionId, denyActionId } from "./approval-message.js";
import {
  denyModalCallbackId,
  parseDenyModalMetadata,
  reasonActionId,
  reasonBlockId,
  renderDenyModal,
} from "./deny-modal.js";
import type { InFlightWork } from "./in-flight-work.js";
import { reasonRequiredReply, refusalToDeny, replyToVote, unavailableReply } from "./review-replies.js";

export interface InteractionDependencies {
  readonly decider: ApprovalDecider;
  readonly client: webApi.WebClient;
  readonly logger: Logger;
  readonly inFlight: InFlightWork;
}

/** Where a private answer to the clicking user goes. */
interface Audience {
  readonly channel: string | null;
  readonly user: string;
}

interface Ballot {
  readonly approvalId: string;
  readonly user: SlackUser;
  readonly vote: Vote;
  readonly reason: string | null;
}

interface SlackUser {
  readonly id: string;
  readonly username?: string;
  readonly name?: string;
}

/**
 * The Slack side of reviewing: buttons and the deny modal become votes on the approval
 * service. Every handler acknowledges Slack first (it allows 3 seconds), then works.
 */
export function registerInteractionHandlers(app: App, deps: InteractionDependencies): void {
  app.action<BlockAction<ButtonAction>>(approveActionId, async ({ ack, body, action }) => {
    await ack();
    await deps.inFlight.run(approveActionId, async () => {
      const audience = { channel: body.channel?.id ?? null, user: body.user.id };
      await castVote(
        deps,
        { approvalId: action.value ?? "", user: body.user, vote: "approve", reason: null },
        audience,
      );
    });
  });

  app.action<BlockAction<ButtonAction>>(denyActionId, async ({ ack, body, action }) => {
    await ack();
    await deps.inFlight.run(denyActionId, () => openDenyModal(deps, body, action.value ?? ""));
  });

  app.view<ViewSubmitAction>(
    { callback_id: denyModalCallbackId, type: "view_submission" },
    async ({ ack, body, view }) => {
      await deps.inFlight.run(denyModalCallbackId, async () => {
        const metadata = parseDenyModalMetadata(view.private_metadata);
        if (!metadata) {
          await ack();
          deps.logger.warn("deny modal submitted without approval metadata");
          return;
        }
        const reason = submittedReason(view);
        const refusal = reason === null ? await reasonRefusal(deps, metadata.id) : undefined;
        if (refusal) {
          await ack({ response_action: "errors", errors: { [reasonBlockId]: refusal } });
          return;
        }
        await ack();
        const audience = { channel: metadata.channel, user: body.user.id };
        await castVote(deps, { approvalId: metadata.id, user: body.user, vote: "deny", reason }, audience);
      });
    },
  );
}

async function castVote(deps: InteractionDependencies, ballot: Ballot, audience: Audience): Promise<void> {
  let reply: string | undefined;
  try {
    const result = await deps.decider.decide({
      approvalId: ballot.approvalId,
      reviewerId: ballot.user.id,
      reviewerName: ballot.user.username ?? ballot.user.name ?? ballot.user.id,
      channel: "slack",
      vote: ballot.vote,
      reason: ballot.reason,
      operator: false,
    });
    reply = replyToVote(result);
  } catch (error) {
    deps.logger.error(
      { err: describeError(error), approvalId: ballot.approvalId },
      "recording a Slack vote failed",
    );
    reply = unavailableReply;
  }
  if (reply) await replyPrivately(deps, audience, reply);
}

async function openDenyModal(
  deps: InteractionDependencies,
  body: BlockAction<ButtonAction>,
  approvalId: string,
): Promise<void> {
  const channel = body.channel?.id ?? null;
  const audience = { channel, user: body.user.id };
  try {
    const request = await deps.decider.get(approvalId);
    const refusal = refusalToDeny(request, body.user.id);
    if (refusal || !request) {
      await replyPrivately(deps, audience, refusal ?? unavailableReply);
      return;
    }
    await deps.client.views.open({
      trigger_id: body.trigger_id,
      view: renderDenyModal(request, { channel }),
    });
  } catch (error) {
    deps.logger.error({ err: describeError(error), approvalId }, "opening the Slack deny modal failed");
    await replyPrivately(deps, audience, unavailableReply);
  }
}

/** The trimmed reason typed into the modal, or null when none was. */
function submittedReason(view: ViewOutput): string | null {
  const typed = view.state.values[reasonBlockId]?.[reasonActionId]?.value ?? "";
  const reason = typed.trim();
  return reason.length > 0 ? reason : null;
}

/** Why a deny without a reason is refused, shown under the reason input; undefined when allowed. */
async function reasonRefusal(deps: InteractionDependencies, approvalId: string): Promise<string | undefined> {
  try {
    const request = await deps.decider.get(approvalId);
    return request?.requireReasonOnDeny ? reasonRequiredReply : undefined;
  } catch (error) {
    // Keep the modal open so the reviewer can submit again.
    deps.logger.error({ err: describeError(error), approvalId }, "checking a Slack deny reason failed");
    return unavailableReply;
  }
}

/** An ephemeral message only the user sees; failures are logged, never thrown. */
async function replyPrivately(
  deps: InteractionDependencies,
  audience: Audience,
  text: string,
): Promise<void> {
  if (!audience.channel) {
    deps.logger.warn({ user: audience.user }, "no Slack channel to answer the reviewer in");
    return;
  }
  try {
    await deps.client.chat.postEphemeral({ channel: audience.channel, user: audience.user, text });
  } catch (error) {
    deps.logger.warn({ err: describeError(error) }, "answering a Slack reviewer failed");
  }
}
