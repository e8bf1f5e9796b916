import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { connectClient } from "./gateway.js";
import { repoRoot } from "./paths.js";

/** How many sessions are opened at once: enough to be quick, few enough not to swamp a small machine. */
const openInParallel = 8;

/** `count` MCP sessions over Streamable HTTP, each its own SDK client. */
export function openHttpSessions(url: string, count: number, token?: string): Promise<Client[]> {
  return openMany(count, () => connectClient(url, token));
}

/** `count` SDK clients, each spawning its own example upstream over stdio in this process. */
export function openStdioSessions(count: number): Promise<Client[]> {
  return openMany(count, async () => {
    const client = new Client({ name: "bench-agent", version: "1.0.0" });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [path.join(repoRoot, "examples", "upstream", "server.js")],
      cwd: repoRoot,
      stderr: "ignore",
    });
    await client.connect(transport);
    return client;
  });
}

/**
 * Ends the sessions: over HTTP with a DELETE first, so that the server frees them now
 * (the peer proxy stops the upstream process it spawned per session) rather than at idle timeout.
 */
export async function closeSessions(sessions: readonly Client[]): Promise<void> {
  await Promise.all(
    sessions.map(async (session) => {
      const transport = session.transport;
      if (transport instanceof StreamableHTTPClientTransport) {
        await transport.terminateSession().catch(() => undefined);
      }
      await session.close().catch(() => undefined);
    }),
  );
}

async function openMany(count: number, open: () => Promise<Client>): Promise<Client[]> {
  const sessions: Client[] = [];
  while (sessions.length < count) {
    const batch = Math.min(openInParallel, count - sessions.length);
    const opened = await Promise.allSettled(Array.from({ length: batch }, open));
    for (const outcome of opened) if (outcome.status === "fulfilled") sessions.push(outcome.value);
    const failed = opened.find((outcome) => outcome.status === "rejected");
    if (failed) {
      await closeSessions(sessions);
      throw failed.reason;
    }
  }
  return sessions;
}
