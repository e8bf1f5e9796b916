import { pino, type Logger } from "pino";

/**
 * JSON logs on stdout. Call arguments and results are never logged; the redaction paths
 * are a second line of defence for headers and config values that carry credentials.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: "mcp-approval-gateway" },
      redact: {
        paths: [
          "req.headers.authorization",
          "req.headers.cookie",
          "headers.authorization",
          "*.token",
          "*.botToken",
          "*.signingSecret",
          "*.password",
          "*.secret",
        ],
        censor: "[REDACTED]",
      },
    },
    destination ?? process.stdout,
  );
}

export type { Logger };
