import type { AddressInfo } from "node:net";
import { createServer, type Server as HttpServer } from "node:http";
import express from "express";
import type { Logger } from "pino";
import type { Redis } from "ioredis";
import type { ApprovalDecider, ApprovalService, VoteInput, VoteResult } from "./approvals/index.js";
import { createApprovalService } from "./approvals/index.js";
import { createRedactor } from "./audit/index.js";
import { startRetentionSchedule } from "./audit/retention-schedule.js";
import type { PrismaClient } from "./generated/prisma/client.js";
import { ApprovalFlow } from "./proxy/approval-flow.js";
import { createSlackChannel, type SlackChannel } from "./slack/index.js";
import type { GatewayConfig } from "./config/types.js";
import { describeError, ErrorCode, GatewayError } from "./errors.js";
import { AgentDirectory } from "./http/agent-auth.js";
import { createHealthRouter } from "./http/health-route.js";
import { sendJsonRpcError } from "./http/json-rpc-errors.js";
import { createMcpEndpoint } from "./http/mcp-endpoint.js";
import { SessionRegistry } from "./http/mcp-sessions.js";
import { PolicyReloader, type ReloadOutcome, type ReloadTrigger } from "./config/policy-reloader.js";
import { createMetricsRouter } from "./http/metrics-route.js";
import { requestIdMiddleware } from "./http/request-id.js";
import { GatewayMetrics } from "./metrics/gateway-metrics.js";
import { CallGate } from "./proxy/call-gate.js";
import { SlidingWindowLimiter } from "./ratelimit/index.js";
import { createRedisConnection, pingRedis } from "./redis/index.js";
import { createPrismaClient, DecisionLog } from "./store/index.js";
import { UpstreamConnection } from "./upstream/index.js";
import { createUiRouter } from "./ui/index.js";
import { DecisionQueries } from "./audit/decision-queries.js";
import { createAdminApi } from "./http/admin-api.js";
import { gatewayVersion } from "./version.js";

export interface RunningGateway {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly port: number;
  readonly decisionLog: DecisionLog;
  /** Re-reads the config file and applies its policy if valid (the CLI calls it on SIGHUP). */
  reloadPolicy(trigger: ReloadTrigger): ReloadOutcome;
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
  const livePolicy = new PolicyReloader({
    config,
    logger,
    onReloaded: () => sessions.notifyToolsChanged(),
  });
  const redis = createRedisConnection(config.redis.url, {
    name: "gateway",
    purpose: "commands",
    onError: (error) => logger.warn({ err: describeError(error) }, "redis connection error"),
  });
  const prisma = createPrismaClient(config.database.url);
  const metrics = new GatewayMetrics({
    countPendingApprovals: () => prisma.approvalRequest.count({ where: { status: "pending" } }),
  });
  const redact = createRedactor({ keys: config.audit.redactKeys });
  const decisionLog = new DecisionLog({
    prisma,
    redact,
    onError: (error) => logger.warn({ err: describeError(error) }, "decision log write failed; will retry"),
  });
  const retention =
    config.audit.retentionDays === null
      ? undefined
      : startRetentionSchedule({ prisma, retentionDays: config.audit.retentionDays, logger });
  const upstreams = new Map(
    config.upstreams.map((upstream) => [upstream.name, new UpstreamConnection({ config: upstream, logger })]),
  );
  for (const upstream of upstreams.values()) upstream.start();

  const approvals = await startApprovals(config, { prisma, redis, redact, logger });
  const gate = new CallGate({
    policy: () => livePolicy.current,
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
    onDecision: (entry) => metrics.observeDecision(entry),
  });
  const sessions = new SessionRegistry({ idleTimeoutMs: sessionIdleMs, logger });

  const app = express();
  app.disable("x-powered-by");
  app.use(requestIdMiddleware(logger));
  // Bolt verifies Slack signatures over the raw body: it must come before any body parser.
  if (approvals.slack) app.use(approvals.slack.router);
  app.use(
    createHealthRouter([
      { name: "redis", check: () => pingRedis(redis, probeTimeoutMs) },
      { name: "postgres", check: () => pingDatabase(() => prisma.$queryRaw`SELECT 1`) },
    ]),
  );
  app.use(createMetricsRouter(metrics, logger));
  const decisionQueries = new DecisionQueries(prisma, approvals.service);
  app.use(
    "/api",
    createAdminApi({
      admins: config.admins,
      agents: config.agents,
      decisions: decisionQueries,
      approvals: approvals.service,
      logger,
    }),
  );
  app.use(
    "/ui",
    createUiRouter({
      admins: config.admins,
      approvals: approvals.service,
      queries: decisionQueries,
      logger,
    }),
  );
  app.use((_req, res) => sendJsonRpcError(res, 404, -32601, "Not found"));

  const mcpEndpoint = createMcpEndpoint({
    upstreams,
    agents: new AgentDirectory(config.agents),
    sessions,
    gate,
    policy: () => livePolicy.current,
    maxBodyBytes: config.server.maxBodyBytes,
    version: gatewayVersion,
    logger,
  });
  // Agents' calls skip express (see createMcpEndpoint); everything else is an express route.
  const server = createServer((req, res) => {
    if (!mcpEndpoint(req, res)) app(req, res);
  });
  // Agents idle between calls: outlive the usual 60 s load-balancer idle timeout so a
  // client never reuses a connection the gateway is closing at that moment.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await listen(server, config.server.port, config.server.host);
  const port = (server.address() as AddressInfo).port;
  const host = config.server.host === "0.0.0.0" ? "127.0.0.1" : config.server.host;
  logger.info({ port, upstreams: [...upstreams.keys()] }, "gateway listening");
  livePolicy.watch();

  return {
    url: `http://${host}:${port}`,
    port,
    decisionLog,
    reloadPolicy: (trigger) => livePolicy.reload(trigger),
    close: async () => {
      livePolicy.close();
      await sessions.closeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...upstreams.values()].map((upstream) => upstream.close()));
      await approvals.close();
      await decisionLog.close().catch((error: unknown) => {
        logger.error({ err: describeError(error), pending: decisionLog.backlog }, "decision log not flushed");
      });
      await retention?.stop();
      await prisma.$disconnect();
      redis.disconnect();
      metrics.close();
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
    if (!this.target)
      throw new GatewayError(ErrorCode.ApprovalUnavailable, "the approval service is not started");
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
