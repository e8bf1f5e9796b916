import { EventEmitter } from "node:events";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { RequestOptions } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type {
  Implementation,
  ServerCapabilities,
  ServerNotification,
} from "@modelcontextprotocol/sdk/types.js";
import type { Logger } from "pino";
import type { z } from "zod";
import type { UpstreamConfig } from "../config/types.js";
import { ErrorCode, GatewayError, describeError } from "../errors.js";
import { createUpstreamTransport, isSessionLost } from "./transport.js";

const gatewayIdentity: Implementation = { name: "mcp-approval-gateway", version: "0.1.0" };
const maxBackoffMs = 5_000;

/** Notifications from the upstream that every gateway session relays to its client. */
export type UpstreamNotification = ServerNotification;

export interface UpstreamConnectionOptions {
  readonly config: UpstreamConfig;
  readonly logger: Logger;
}

/**
 * One MCP client connection from the gateway to one upstream server, shared by every agent
 * session of that upstream. It reconnects (respawning a stdio server) whenever the
 * connection ends, so a crashed upstream costs the calls in flight, not the gateway.
 */
export class UpstreamConnection {
  readonly name: string;
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private closed = false;
  private failures = 0;
  private readonly events = new EventEmitter();
  private readonly logger: Logger;

  constructor(private readonly options: UpstreamConnectionOptions) {
    this.name = options.config.name;
    this.logger = options.logger.child({ upstream: this.name });
    this.events.setMaxListeners(0);
  }

  /** Starts connecting in the background; calls made before it is up wait for it. */
  start(): void {
    void this.connect().catch(() => undefined);
  }

  get isConnected(): boolean {
    return this.client !== undefined;
  }

  get capabilities(): ServerCapabilities | undefined {
    return this.client?.getServerCapabilities();
  }

  get serverInfo(): Implementation | undefined {
    return this.client?.getServerVersion();
  }

  get instructions(): string | undefined {
    return this.client?.getInstructions();
  }

  /** Resolves with a connected client, or fails with UPSTREAM_UNAVAILABLE after `timeoutMs`. */
  async ready(timeoutMs: number): Promise<Client> {
    if (this.client) return this.client;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.unavailable(`not connected after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.connect(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Sends one request upstream. A Streamable HTTP upstream that lost our session (it
   * restarted) never saw the request, so it is sent once more on a fresh session.
   */
  async request<T extends z.ZodType>(
    request: { method: string; params?: Record<string, unknown> },
    resultSchema: T,
    options: RequestOptions & { readyTimeoutMs: number },
  ): Promise<z.output<T>> {
    const client = await this.ready(options.readyTimeoutMs);
    try {
      return (await client.request(request, resultSchema, options)) as z.output<T>;
    } catch (error) {
      if (!isSessionLost(error) || this.closed) throw error;
      this.logger.warn("upstream lost the session; reconnecting");
      this.dropClient(client);
      const fresh = await this.ready(options.readyTimeoutMs);
      return (await fresh.request(request, resultSchema, options)) as z.output<T>;
    }
  }

  onNotification(listener: (notification: UpstreamNotification) => void): () => void {
    this.events.on("notification", listener);
    return () => this.events.off("notification", listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await client?.close().catch(() => undefined);
  }

  private connect(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    if (this.closed) return Promise.reject(this.unavailable("the gateway is shutting down"));
    this.connecting ??= this.connectWithRetry().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connectWithRetry(): Promise<Client> {
    for (;;) {
      try {
        return await this.connectOnce();
      } catch (error) {
        this.failures += 1;
        const delay = Math.min(maxBackoffMs, 100 * 2 ** Math.min(this.failures, 6));
        this.logger.warn({ err: describeError(error), retryInMs: delay }, "upstream connection failed");
        if (this.closed) throw this.unavailable("the gateway is shutting down");
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private async connectOnce(): Promise<Client> {
    const transport: Transport = createUpstreamTransport(this.options.config, this.logger);
    const client = new Client(gatewayIdentity, { capabilities: {} });
    client.fallbackNotificationHandler = async (notification) => {
      this.events.emit("notification", notification);
    };
    client.onclose = () => this.handleClosed(client);
    await client.connect(transport);
    this.client = client;
    this.failures = 0;
    this.logger.info({ server: client.getServerVersion() }, "upstream connected");
    return client;
  }

  private handleClosed(client: Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    if (this.closed) return;
    this.logger.warn("upstream connection closed; reconnecting");
    this.start();
  }

  private dropClient(client: Client): void {
    if (this.client === client) this.client = undefined;
    void client.close().catch(() => undefined);
  }

  private unavailable(detail: string): GatewayError {
    return new GatewayError(
      ErrorCode.UpstreamUnavailable,
      `Upstream "${this.name}" is unavailable: ${detail}`,
    );
  }
}
