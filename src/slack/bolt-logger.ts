import { LogLevel, type Logger as SlackLogger } from "@slack/bolt";
import type { Logger } from "pino";
import { describeError } from "../errors.js";
import { cutText } from "./slack-text.js";

const maxPartLength = 300;

/**
 * Bolt's and the Slack Web API client's logs, sent to the gateway's logger. Their debug
 * output is dropped: it holds request and response bodies, which carry call arguments,
 * and the gateway never logs those. The gateway's log level governs, not Bolt's.
 */
export function createBoltLogger(logger: Logger): SlackLogger {
  const slackLogger = logger.child({ component: "slack" });
  const write =
    (level: "info" | "warn" | "error") =>
    (...parts: unknown[]): void => {
      slackLogger[level](parts.map(describePart).join(" "));
    };
  return {
    debug: () => undefined,
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    setLevel: () => undefined,
    getLevel: () => slackLevel(slackLogger.level),
    setName: () => undefined,
  };
}

function describePart(part: unknown): string {
  if (typeof part === "string") return cutText(part, maxPartLength);
  if (part instanceof Error) return describeError(part);
  try {
    return cutText(JSON.stringify(part) ?? String(part), maxPartLength);
  } catch {
    // Circular or otherwise unserialisable: the type is all that can be said safely.
    return `[${typeof part}]`;
  }
}

function slackLevel(pinoLevel: string): LogLevel {
  switch (pinoLevel) {
    case "trace":
    case "debug":
      return LogLevel.DEBUG;
    case "info":
      return LogLevel.INFO;
    case "warn":
      return LogLevel.WARN;
    default:
      return LogLevel.ERROR;
  }
}
