import { userInfo } from "node:os";
import { createApprovalService } from "../approvals/index.js";
import type { ApprovalRequest, ApprovalStatus, Vote, VoteResult } from "../approvals/index.js";
import { createRedactor } from "../audit/index.js";
import { loadConfig } from "../config/index.js";
import { createLogger } from "../logging.js";
import { createRedisConnection } from "../redis/index.js";
import { webApi } from "@slack/bolt";
import { createSlackNotifier } from "../slack/index.js";
import { createPrismaClient } from "../store/index.js";

export interface ApprovalsCommandOptions {
  readonly config: string;
}

/** Runs `use` with an approval service acting as an operator (no worker, no waiting). */
async function withApprovals<T>(
  options: ApprovalsCommandOptions,
  use: (service: Awaited<ReturnType<typeof createApprovalService>>["service"]) => Promise<T>,
): Promise<T> {
  const config = loadConfig(options.config);
  const logger = createLogger("silent");
  const prisma = createPrismaClient(config.database.url);
  const redis = createRedisConnection(config.redis.url, { name: "cli", purpose: "bullmq" });
  // The gateways' workers post and edit Slack messages; this notifier only marks Slack as in use.
  const notifier = config.slack
    ? createSlackNotifier({
        client: new webApi.WebClient(config.slack.botToken, { slackApiUrl: config.slack.apiUrl }),
        defaultChannel: config.slack.channel,
      })
    : undefined;
  const running = await createApprovalService({
    prisma,
    redisUrl: config.redis.url,
    publisher: redis,
    keyPrefix: config.redis.keyPrefix,
    redact: createRedactor({ keys: config.audit.redactKeys }),
    grantTtlMs: config.approvals.grantTtlMs,
    logger,
    notifier,
    role: "operator",
  });
  try {
    return await use(running.service);
  } finally {
    await running.close();
    redis.disconnect();
    await prisma.$disconnect();
  }
}

export async function listApprovals(
  options: ApprovalsCommandOptions & { status: string; limit: string },
): Promise<void> {
  const requests = await withApprovals(options, (service) =>
    service.list({
      status: options.status === "all" ? undefined : (options.status as ApprovalStatus),
      limit: Number(options.limit),
    }),
  );
  if (requests.length === 0) {
    console.log(`No ${options.status === "all" ? "" : `${options.status} `}approval requests.`);
    return;
  }
  for (const request of requests) console.log(describeRequest(request));
}

export async function decideApproval(
  vote: Vote,
  approvalId: string,
  options: ApprovalsCommandOptions & { as?: string; reason?: string },
): Promise<void> {
  const operator = options.as ?? userInfo().username;
  const result = await withApprovals(options, (service) =>
    service.decide({
      approvalId,
      reviewerId: `cli:${operator}`,
      reviewerName: operator,
      channel: "cli",
      vote,
      reason: options.reason ?? null,
      operator: true,
    }),
  );
  const message = describeVoteResult(result, vote, approvalId);
  if (result.kind === "recorded") console.log(message);
  else {
    console.error(message);
    process.exitCode = result.kind === "not_found" ? 2 : 1;
  }
}

function describeRequest(request: ApprovalRequest): string {
  const votes = request.votes.map((vote) => `${vote.reviewerName}:${vote.vote}`).join(",") || "-";
  return [
    request.id,
    request.status.padEnd(9),
    request.createdAt.toISOString(),
    `${request.agentId} -> ${request.upstream}/${request.tool}`,
    `rule=${request.ruleId}`,
    `votes=${votes}`,
    request.status === "pending"
      ? `expires=${request.expiresAt.toISOString()}`
      : `by=${request.decidedBy ?? "-"}`,
  ].join("  ");
}

function describeVoteResult(result: VoteResult, vote: Vote, approvalId: string): string {
  switch (result.kind) {
    case "recorded":
      return result.decided
        ? `${result.request.status === "approved" ? "Approved" : "Denied"}: ${approvalId} is now ${result.request.status}.`
        : `Vote recorded (${vote}); ${result.request.votes.filter((v) => v.vote === "approve").length} of ${result.request.quorum} approvals.`;
    case "not_found":
      return `No approval request ${approvalId}.`;
    case "already_decided":
      return `Approval ${approvalId} was already ${result.request.status}${result.request.decidedBy ? ` by ${result.request.decidedBy}` : ""}; nothing changed.`;
    case "already_voted":
      return `You already voted on ${approvalId}; nothing changed.`;
    case "reason_required":
      return `Rule ${result.request.ruleId} requires a reason to deny: pass --reason "…".`;
    case "not_authorized":
      return `Not authorised to decide ${approvalId}.`;
  }
}
