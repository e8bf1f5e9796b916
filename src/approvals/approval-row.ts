import { toStorableText, truncateText } from "../audit/storable-text.js";
import { ErrorCode, GatewayError } from "../errors.js";
import { Prisma } from "../generated/prisma/client.js";
import type { ApprovalRequest, ApprovalStatus, ApprovalVote, ReviewChannel, Vote } from "./types.js";

/** The fields of an approval request its creator supplies; the store fills in the rest. */
export type NewApprovalRequest = Pick<
  ApprovalRequest,
  | "id"
  | "agentId"
  | "sessionId"
  | "upstream"
  | "tool"
  | "arguments"
  | "argumentsHash"
  | "ruleId"
  | "channel"
  | "approvers"
  | "quorum"
  | "onTimeout"
  | "requireReasonOnDeny"
  | "expiresAt"
>;

/** Loads a request with its votes in the order they were cast. */
export const withVotes = {
  votes: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
} satisfies Prisma.ApprovalRequestInclude;

export type ApprovalRow = Prisma.ApprovalRequestGetPayload<{ include: typeof withVotes }>;
type VoteRow = ApprovalRow["votes"][number];

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const maxTextLength = 2_000;
const maxInt4 = 2_147_483_647;

const statuses: readonly ApprovalStatus[] = ["pending", "approved", "denied", "expired", "cancelled"];
const channels: readonly ReviewChannel[] = ["slack", "cli", "api", "timeout"];
const votes: readonly Vote[] = ["approve", "deny"];
const timeoutActions: readonly ApprovalRequest["onTimeout"][] = ["deny", "approve"];
const outcomes: readonly NonNullable<ApprovalRequest["executionOutcome"]>[] = ["ok", "error"];

export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

/** Text Postgres accepts, bounded: reviewer names and reasons come from people. */
export function storableText(value: string): string {
  return truncateText(toStorableText(value), maxTextLength);
}

export function optionalStorableText(value: string | null): string | null {
  return value === null ? null : storableText(value);
}

/** The row to insert for a new request; refuses what Postgres would reject. */
export function toNewApprovalRow(input: NewApprovalRequest): Prisma.ApprovalRequestCreateInput {
  if (!isUuid(input.id)) {
    throw new GatewayError(ErrorCode.Internal, `approval id ${JSON.stringify(input.id)} is not a UUID`);
  }
  if (Number.isNaN(input.expiresAt.getTime())) {
    throw new GatewayError(ErrorCode.Internal, `approval ${input.id} has an invalid expiresAt`);
  }
  if (!Number.isInteger(input.quorum) || input.quorum < 1 || input.quorum > maxInt4) {
    throw new GatewayError(ErrorCode.Internal, `approval ${input.id} has an invalid quorum ${input.quorum}`);
  }
  return {
    id: input.id,
    expiresAt: input.expiresAt,
    status: "pending",
    agentId: storableText(input.agentId),
    sessionId: optionalStorableText(input.sessionId),
    upstream: storableText(input.upstream),
    tool: storableText(input.tool),
    arguments: toJsonInput(input.arguments),
    argumentsHash: input.argumentsHash,
    ruleId: storableText(input.ruleId),
    channel: optionalStorableText(input.channel),
    approvers: input.approvers.map(storableText),
    quorum: input.quorum,
    onTimeout: input.onTimeout,
    requireReasonOnDeny: input.requireReasonOnDeny,
  };
}

export function toApprovalRequest(row: ApprovalRow): ApprovalRequest {
  return {
    id: row.id,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    status: oneOf(statuses, row.status, "status"),
    agentId: row.agentId,
    sessionId: row.sessionId,
    upstream: row.upstream,
    tool: row.tool,
    arguments: row.arguments,
    argumentsHash: row.argumentsHash,
    ruleId: row.ruleId,
    channel: row.channel,
    // Prisma creates list columns nullable; a row written by hand may hold NULL.
    approvers: row.approvers ?? [],
    quorum: row.quorum,
    onTimeout: oneOf(timeoutActions, row.onTimeout, "on_timeout"),
    requireReasonOnDeny: row.requireReasonOnDeny,
    slackChannel: row.slackChannel,
    slackMessageTs: row.slackMessageTs,
    slackPostedAt: row.slackPostedAt,
    decidedAt: row.decidedAt,
    decidedBy: row.decidedBy,
    decisionReason: row.decisionReason,
    deliveredAt: row.deliveredAt,
    executionOutcome: row.executionOutcome === null ? null : oneOf(outcomes, row.executionOutcome, "outcome"),
    votes: row.votes.map(toApprovalVote),
  };
}

function toApprovalVote(row: VoteRow): ApprovalVote {
  return {
    reviewerId: row.reviewerId,
    reviewerName: row.reviewerName,
    channel: oneOf(channels, row.channel, "vote channel"),
    vote: oneOf(votes, row.vote, "vote"),
    reason: row.reason,
    createdAt: row.createdAt,
  };
}

function oneOf<T extends string>(allowed: readonly T[], value: string, column: string): T {
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) {
    throw new GatewayError(
      ErrorCode.Internal,
      `approval row has an unknown ${column} ${JSON.stringify(value)}`,
    );
  }
  return found;
}

// The arguments are already redacted (plain JSON data, or undefined for a call without any).
function toJsonInput(value: unknown): Prisma.ApprovalRequestCreateInput["arguments"] {
  if (value === undefined || value === null) return Prisma.JsonNull;
  return value as Prisma.InputJsonValue;
}
