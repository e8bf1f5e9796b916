import { getDefaultEnvironment, StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { Logger } from "pino";
import type { UpstreamConfig } from "../config/types.js";
import { UpstreamHttpTransport } from "./http-transport.js";

/** Builds the client transport for an upstream: a spawned stdio server or a Streamable HTTP URL. */
export function createUpstreamTransport(config: UpstreamConfig, logger: Logger): Transport {
  if (config.kind === "http") {
    return new UpstreamHttpTransport({ url: new URL(config.url), headers: { ...config.headers } });
  }
  const transport = new StdioClientTransport({
    command: config.command,
    args: [...config.args],
    env: { ...getDefaultEnvironment(), ...config.env },
    cwd: config.cwd,
    stderr: "pipe",
  });
  // The upstream's stderr is its log; keep it, line by line, in ours.
  transport.stderr?.on("data", (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (line.trim()) logger.info({ stream: "stderr" }, line);
    }
  });
  return transport;
}

/** True when a Streamable HTTP upstream no longer knows our session (it restarted). */
export function isSessionLost(error: unknown): boolean {
  return error instanceof StreamableHTTPError && error.code === 404;
}
