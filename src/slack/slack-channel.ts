import { App, ExpressReceiver, webApi } from "@slack/bolt";
import express, { type Router } from "express";
import type { Logger } from "pino";
import type { ApprovalDecider, ApprovalNotifier } from "../approvals/types.js";
import type { SlackConfig } from "../config/types.js";
import { describeError, ErrorCode, GatewayError } from "../errors.js";
import { createBoltLogger } from "./bolt-logger.js";
import { InFlightWork } from "./in-flight-work.js";
import { registerInteractionHandlers } from "./interaction-handlers.js";
import { createSlackNotifier } from "./slack-notifier.js";

export const slackEventsPath = "/slack/events";

export interface SlackChannelOptions {
  readonly config: SlackConfig;
  readonly decider: ApprovalDecider;
  readonly logger: Logger;
  /** Retries of a failed Web API call inside the client; the notifier's callers retry too. */
  readonly webClientRetries?: number;
}

export interface SlackChannel {
  /**
   * Mount at the app root, before any body parser (the signature covers the raw body):
   * serves `POST /slack/events` and nothing else.
   */
  readonly router: Router;
  readonly notifier: ApprovalNotifier;
  /** Checks the bot token with `auth.test`; interactions are refused (503) until this succeeds. */
  start(): Promise<void>;
  /** Refuses new interactions and waits for the ones being handled. */
  stop(): Promise<void>;
}

const defaultWebClientRetries = 2;
const webApiTimeoutMs = 10_000;
/** `auth.test` errors that mean the token itself is wrong, not that Slack is unreachable. */
const rejectedTokenErrors = new Set([
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "token_expired",
  "not_allowed_token_type",
]);

/**
 * Slack as an approval channel: a Bolt app on an ExpressReceiver that turns signed Slack
 * interactions into votes, and a notifier that posts and updates request messages.
 */
export function createSlackChannel(options: SlackChannelOptions): SlackChannel {
  const { config, logger } = options;
  const boltLogger = createBoltLogger(logger);
  const inFlight = new InFlightWork(logger);
  let state: "created" | "started" | "stopped" = "created";

  const router = express.Router();
  router.post(slackEventsPath, (_req, res, next) => {
    if (state === "started") next();
    else res.status(503).json({ error: "Slack approvals are not available" });
  });
  // The receiver adds its signature-checking route to our router, after the gate above.
  const receiver = new ExpressReceiver({
    signingSecret: config.signingSecret,
    endpoints: slackEventsPath,
    router,
    logger: boltLogger,
  });
  const app = new App({
    receiver,
    token: config.botToken,
    logger: boltLogger,
    // auth.test runs in start(), where a rejected token can fail clearly.
    deferInitialization: true,
    convoStore: false,
    clientOptions: {
      slackApiUrl: config.apiUrl,
      retryConfig: { retries: options.webClientRetries ?? defaultWebClientRetries },
      timeout: webApiTimeoutMs,
    },
  });
  app.error(async (error) => {
    logger.error({ err: describeError(error), code: error.code }, "Slack event processing failed");
  });
  registerInteractionHandlers(app, { decider: options.decider, client: app.client, logger, inFlight });

  return {
    router,
    notifier: createSlackNotifier({ client: app.client, defaultChannel: config.channel }),
    start: async () => {
      if (state === "started") return;
      try {
        await app.init();
      } catch (error) {
        throw startError(error, config.apiUrl);
      }
      state = "started";
      logger.info({ channel: config.channel }, "Slack approvals ready");
    },
    stop: async () => {
      state = "stopped";
      await inFlight.idle();
    },
  };
}

function startError(error: unknown, apiUrl: string): GatewayError {
  if (error instanceof webApi.WebAPIPlatformError && rejectedTokenErrors.has(error.data.error)) {
    return new GatewayError(
      ErrorCode.ConfigInvalid,
      `Slack rejected the bot token (${error.data.error}): check slack.botToken`,
      { cause: error },
    );
  }
  return new GatewayError(
    ErrorCode.ApprovalUnavailable,
    `Slack auth.test failed at ${apiUrl}: ${describeError(error)}`,
    { cause: error },
  );
}
