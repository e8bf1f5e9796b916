import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { createApprovalService } from "../../src/approvals/index.js";
import { createRedactor } from "../../src/audit/index.js";
import type { GatewayConfig } from "../../src/config/types.js";
import { describeError } from "../../src/errors.js";
import { AgentDirectory } from "../../src/http/agent-auth.js";
import { sendJsonRpcError } from "../../src/http/json-rpc-errors.js";
import { createMcpEndpoint } from "../../src/http/mcp-endpoint.js";
import { SessionRegistry } from "../../src/http/mcp-sessions.js";
import { GatewayMetrics } from "../../src/metrics/gateway-metrics.js";
import { compilePolicy } from "../../src/policy/index.js";
import { ApprovalFlow } from "../../src/proxy/approval-flow.js";
import { CallGate } from "../../src/proxy/call-gate.js";
import { SlidingWindowLimiter } from "../../src/ratelimit/index.js";
import { createRedisConnection } from "../../src/redis/index.js";
import { createPrismaClient, DecisionLog, type DecisionRecord } from "../../src/store/index.js";
import { UpstreamConnection } from "../../src/upstream/index.js";
import { gatewayVersion } from "../../src/version.js";

/** `real`: the product's decision log; `discard`: a stub that drops every record unread. */
export type DecisionLogMode = "real" | "discard";

export interface ComposedGateway {
  readonly url: string;
  close(): Promise<void>;
}

/** Same timings as the product's composition root. */
const sessionIdleMs = 30 * 60_000;
const upstreamCallTimeoutMs = 10 * 60_000;

/**
 * The gateway's call path wired from the product's own classes the way `startGateway` wires
 * it (MCP route, sessions, call gate, policy, Redis rate limiter, approvals, metrics), with
 * the decision log chosen by `mode`: the product has no switch to turn its log off, so
 * measuring what the log costs needs a composition of its own. Nothing off the call path
 * (admin API, web page, health and metrics routes, Slack, retention, policy reload) is built.
 */
export async function startComposedGateway(
  config: GatewayConfig,
  logger: Logger,
  mode: DecisionLogMode,
): Promise<ComposedGateway> {
  const onRedisError = (error: Error): void => logger.warn({ err: describeError(error) }, "redis error");
  const redis = createRedisConnection(config.redis.url, {
    name: "gateway",
    purpose: "commands",
    onError: onRedisError,
  });
  const prisma = createPrismaClient(config.database.url);
  const redact = createRedactor({ keys: config.audit.redactKeys });
  const decisionLog =
    mode === "real"
      ? new DecisionLog({ prisma, redact, onError: (error) => logger.warn({ err: describeError(error) }) })
      : discardingDecisionLog;
  const metrics = new GatewayMetrics({
    countPendingApprovals: () => prisma.approvalRequest.count({ where: { status: "pending" } }),
  });
  const upstreams = new Map(
    config.upstreams.map((upstream) => [upstream.name, new UpstreamConnection({ config: upstream, logger })]),
  );
  for (const upstream of upstreams.values()) upstream.start();
  const approvals = await createApprovalService({
    prisma,
    redisUrl: config.redis.url,
    publisher: redis,
    keyPrefix: config.redis.keyPrefix,
    redact,
    grantTtlMs: config.approvals.grantTtlMs,
    logger,
    notifier: undefined,
    role: "gateway",
  });
  const policy = compilePolicy(config.policy);
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
    onDecision: (entry) => metrics.observeDecision(entry),
  });
  const sessions = new SessionRegistry({ idleTimeoutMs: sessionIdleMs, logger });

  const mcpEndpoint = createMcpEndpoint({
    upstreams,
    agents: new AgentDirectory(config.agents),
    sessions,
    gate,
    policy: () => policy,
    maxBodyBytes: config.server.maxBodyBytes,
    version: gatewayVersion,
    logger,
  });
  const server = createServer((req, res) => {
    if (!mcpEndpoint(req, res)) sendJsonRpcError(res, 404, -32601, "Not found");
  });
  await new Promise<void>((resolve) => server.listen(config.server.port, config.server.host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${config.server.host}:${port}`,
    close: async () => {
      await sessions.closeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...upstreams.values()].map((upstream) => upstream.close()));
      await approvals.close();
      if (decisionLog instanceof DecisionLog) await decisionLog.close();
      await prisma.$disconnect();
      redis.disconnect();
      metrics.close();
    },
  };
}

/** Accepts every record and keeps none: the call path without the decision log's work. */
const discardingDecisionLog: { record(entry: DecisionRecord): void; readonly accepting: boolean } = {
  accepting: true,
  record: () => undefined,
};
