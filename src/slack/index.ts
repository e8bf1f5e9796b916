export {
  approveActionId,
  denyActionId,
  renderApprovalRequest,
  type KnownBlock,
  type RenderedApprovalMessage,
} from "./approval-message.js";
export {
  denyModalCallbackId,
  parseDenyModalMetadata,
  reasonActionId,
  reasonBlockId,
  renderDenyModal,
  type DenyModalMetadata,
  type View,
} from "./deny-modal.js";
export {
  createSlackChannel,
  slackEventsPath,
  type SlackChannel,
  type SlackChannelOptions,
} from "./slack-channel.js";
export { createSlackNotifier, type SlackNotifierOptions } from "./slack-notifier.js";
