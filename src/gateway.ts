import type { AddressInfo } from "node:net";
import { createServer, type Server as HttpServer } from "node:http";
import express from "express";
import type { Logger } from "pino";
import type { Redis } from "ioredis";
import type { ApprovalDecider, ApprovalService, VoteInput, VoteResult } from "./approvals/index.js";
import { createApprovalService } from "./approvals/index.js";
import { createRedactor } from "./audit/index.js";
import type { PrismaClient } from "./generated/prisma/client.js";
import { ApprovalFlow } from "./proxy/approval-flow.js";
import { createSlackChannel, type SlackChannel } from "./slack/index.js";
import type { GatewayConfig } from "./config/types.js";
import { describeError, ErrorCode, GatewayError } from "./errors.js";
import { AgentDirectory } from "./http/agent-auth.js";
import { createHealthRouter } from "./http/health-route.js";
import { sendJsonRpcError } from "./http/json-rpc-errors.js";
import { createMcpRouter } from "./http/mcp-route.js";
import { SessionRegistry } from "./http/mcp-sessions.js";
import { compilePolicy, type CompiledPolicy } from "./policy/index.js";
import { CallGate } from "./proxy/call-gate.js";
import { SlidingWindowLimiter } from "./ratelimit/index.js";
import { createRedisConnection, pingRedis } from "./redis/index.js";
import { createPrismaClient, DecisionLog } from "./store/index.js";
import { UpstreamConnection } from "./upstream/index.js";
import { gatewayVersion } from "./version.js";

export interface RunningGateway {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly port: number;
  readonly decisionLog: DecisionLog;
  close(): Promise<void>;
}

const sessionIdleMs = 30 * 60_000;
const upstreamCallTimeoutMs = 10 * 60_000;
const probeTimeoutMs = 1_000;

/**
 * The composition root: builds every service from the validated config, wires them and
 * starts listening. Nothing else in the gateway reads configuration or the environment.
 */
export async function startGateway(config: GatewayConfig, logger: Logger): Promise<RunningGateway> {
  const policy: CompiledPolicy = compilePolicy(config.policy);
  const redis = createRedisConnection(config.redis.url, {
    name: "gateway",
    purpose: "commands",
    onError: (error) => logger.warn({ err: describeError(error) }, "redis connection error"),
  });
  const prisma = createPrismaClient(config.database.url);
  const redact = createRedactor({ keys: config.audit.redactKeys });
  const decisionLog = new DecisionLog({
    prisma,
    redact,
    onError: (error) => logger.warn({ err: describeError(error) }, "decision log write failed; will retry"),
  });
  const upstreams = new Map(
    config.upstreams.map((upstream) => [upstream.name, new UpstreamConnection({ config: upstream, logger })]),
  );
  for (const upstream of upstreams.values()) upstream.start();

  const approvals = await startApprovals(config, { prisma, redis, redact, logger });
  const gate = new CallGate({
    policy: () => policy,
    rateLimiter: new SlidingWindowLimiter(redis, { keyPrefix: `${config.redis.keyPrefix}:` }),
    decisionLog,
    upstream: (name) => upstreams.get(name),
    approvals: new ApprovalFlow({
      approvals: approvals.service,
      holdMs: config.approvals.holdMs,
      progressEveryMs: config.approvals.progressIntervalMs,
    }),
    onApprovedCallDone: (approvalId, outcome) => approvals.service.recordExecution(approvalId, outcome),
    logger,
    upstreamTimeoutMs: upstreamCallTimeoutMs,
  });
  const sessions = new SessionRegistry({ idleTimeoutMs: sessionIdleMs, logger });

  const app = express();
  app.disable("x-powered-by");
  // Bolt verifies Slack signatures over the raw body: it must come before any body parser.
  if (approvals.slack) app.use(approvals.slack.router);
  app.use(
    createHealthRouter([
      { name: "redis", check: () => pingRedis(redis, probeTimeoutMs) },
      { name: "postgres", check: () => pingDatabase(() => prisma.$queryRaw`SELECT 1`) },
    ]),
  );
  app.use(
    createMcpRouter({
      upstreams,
      agents: new AgentDirectory(config.agents),
      sessions,
      gate,
      policy: () => policy,
      maxBodyBytes: config.server.maxBodyBytes,
      version: gatewayVersion,
      logger,
    }),
  );
  app.use((_req, res) => sendJsonRpcError(res, 404, -32601, "Not found"));

  const server = createServer(app);
  await listen(server, config.server.port, config.server.host);
  const port = (server.address() as AddressInfo).port;
  const host = config.server.host === "0.0.0.0" ? "127.0.0.1" : config.server.host;
  logger.info({ port, upstreams: [...upstreams.keys()] }, "gateway listening");

  return {
    url: `http://${host}:${port}`,
    port,
    decisionLog,
    close: async () => {
      await sessions.closeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...upstreams.values()].map((upstream) => upstream.close()));
      await approvals.close();
      await decisionLog.close().catch((error: unknown) => {
        logger.error({ err: describeError(error), pending: decisionLog.backlog }, "decision log not flushed");
      });
      await prisma.$disconnect();
      redis.disconnect();
    },
  };
}

interface StartedApprovals {
  readonly service: ApprovalService;
  readonly slack: SlackChannel | undefined;
  close(): Promise<void>;
}

/** The approval service, and the Slack channel onto it when `slack` is configured. */
async function startApprovals(
  config: GatewayConfig,
  shared: { prisma: PrismaClient; redis: Redis; redact: (value: unknown) => unknown; logger: Logger },
): Promise<StartedApprovals> {
  // The Slack channel and the service refer to each other; the channel only calls in once started.
  const decider = new LateBoundDecider();
  const slack = config.slack
    ? createSlackChannel({ config: config.slack, decider, logger: shared.logger })
    : undefined;
  const running = await createApprovalService({
    prisma: shared.prisma,
    redisUrl: config.redis.url,
    publisher: shared.redis,
    keyPrefix: config.redis.keyPrefix,
    redact: shared.redact,
    grantTtlMs: config.approvals.grantTtlMs,
    logger: shared.logger,
    notifier: slack?.notifier,
    role: "gateway",
  });
  decider.bind(running.service);
  await slack?.start();
  return {
    service: running.service,
    slack,
    close: async () => {
      await slack?.stop();
      await running.close();
    },
  };
}

class LateBoundDecider implements ApprovalDecider {
  private target: ApprovalDecider | undefined;

  bind(target: ApprovalDecider): void {
    this.target = target;
  }

  get(approvalId: string): ReturnType<ApprovalDecider["get"]> {
    return this.bound().get(approvalId);
  }

  decide(input: VoteInput): Promise<VoteResult> {
    return this.bound().decide(input);
  }

  private bound(): ApprovalDecider {
    if (!this.target) throw new GatewayError(ErrorCode.ApprovalUnavailable, "the approval service is not started");
    return this.target;
  }
}

function listen(server: HttpServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

async function pingDatabase(query: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), probeTimeoutMs);
  });
  const ping = query().then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
