import { randomUUID } from "node:crypto";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { Logger } from "pino";
import { McpHttpTransport } from "./mcp-http-transport.js";

/** One agent's MCP session with one upstream, held in this process. */
export interface McpSession {
  readonly id: string;
  readonly upstream: string;
  readonly agentId: string;
  readonly transport: McpHttpTransport;
  readonly server: Server;
  lastSeenAt: number;
}

export interface SessionRegistryOptions {
  readonly idleTimeoutMs: number;
  readonly logger: Logger;
}

/**
 * The live MCP sessions of this replica. The SDK keeps session state in process memory, so
 * a load balancer must route a session's requests to the replica that created it (sticky
 * on the `Mcp-Session-Id` header); an unknown id gets 404 and the client starts afresh,
 * as the Streamable HTTP transport specifies. Idle sessions are closed so abandoned
 * clients do not accumulate.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, McpSession>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: SessionRegistryOptions) {
    this.sweeper = setInterval(() => this.closeIdle(), Math.min(60_000, options.idleTimeoutMs));
    this.sweeper.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  /** The session, only if it belongs to this agent and upstream; otherwise it does not exist for them. */
  find(id: string, agentId: string, upstream: string): McpSession | undefined {
    const session = this.sessions.get(id);
    if (!session || session.agentId !== agentId || session.upstream !== upstream) return undefined;
    session.lastSeenAt = Date.now();
    return session;
  }

  /**
   * A transport whose session joins the registry once the client's `initialize` succeeds,
   * and leaves it when the session closes (DELETE, idle timeout, shutdown).
   */
  createTransport(identity: { agentId: string; upstream: string }, server: () => Server): McpHttpTransport {
    const transport: McpHttpTransport = new McpHttpTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id) => {
        this.sessions.set(id, { id, ...identity, transport, server: server(), lastSeenAt: Date.now() });
        this.options.logger.info({ sessionId: id, ...identity }, "session opened");
      },
      onsessionclosed: (id) => this.forget(id),
    });
    transport.onclose = () => {
      if (transport.sessionId) this.forget(transport.sessionId);
    };
    return transport;
  }

  /**
   * Sends `notifications/tools/list_changed` to every open session (on its standalone SSE
   * stream), so clients refetch `tools/list` after the policy changed what is hidden.
   */
  notifyToolsChanged(): void {
    for (const session of this.sessions.values()) {
      void session.server.sendToolListChanged().catch(() => undefined);
    }
  }

  async closeAll(): Promise<void> {
    const sessions = [...this.sessions.values()];
    clearInterval(this.sweeper);
    await Promise.all(sessions.map((session) => this.close(session)));
  }

  private closeIdle(): void {
    const cutoff = Date.now() - this.options.idleTimeoutMs;
    for (const session of this.sessions.values()) {
      if (session.lastSeenAt < cutoff) void this.close(session);
    }
  }

  private async close(session: McpSession): Promise<void> {
    this.forget(session.id);
    await session.server.close().catch(() => undefined);
  }

  private forget(id: string): void {
    if (this.sessions.delete(id)) this.options.logger.info({ sessionId: id }, "session closed");
  }
}
