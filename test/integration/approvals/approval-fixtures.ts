import { randomUUID } from "node:crypto";
import { argumentsHash } from "../../../src/approvals/arguments-hash.js";
import type { NewApprovalRequest } from "../../../src/approvals/approval-store.js";
import type { VoteInput } from "../../../src/approvals/types.js";
import type { PrismaClient } from "../../../src/generated/prisma/client.js";
import { createPrismaClient } from "../../../src/store/prisma-client.js";
import { createMigratedDatabase } from "../../support/gateway-harness.js";
import { withClient, type TestDatabase } from "../../support/services.js";

export const callArguments = { endpoint: "prod-ranker", force: true };

/** A new request expiring in an hour, for agent ci-bot's `delete_endpoint` call. */
export function newRequest(overrides: Partial<NewApprovalRequest> = {}): NewApprovalRequest {
  return {
    id: randomUUID(),
    agentId: "ci-bot",
    sessionId: "session-1",
    upstream: "sagemaker",
    tool: "delete_endpoint",
    arguments: callArguments,
    argumentsHash: argumentsHash(callArguments),
    ruleId: "prod-deletes",
    channel: "#approvals",
    approvers: [],
    quorum: 1,
    onTimeout: "deny",
    requireReasonOnDeny: false,
    expiresAt: new Date(Date.now() + 3_600_000),
    ...overrides,
  };
}

export function voteOn(approvalId: string, overrides: Partial<VoteInput> = {}): VoteInput {
  return {
    approvalId,
    reviewerId: "U-ann",
    reviewerName: "Ann",
    channel: "slack",
    vote: "approve",
    reason: null,
    operator: false,
    ...overrides,
  };
}

/** Rows of a query run on the test's database outside the store. */
export async function queryRows<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  return withClient(url, async (client) => (await client.query(sql, params)).rows as T[]);
}

export async function countVotes(url: string, approvalId: string): Promise<number> {
  const rows = await queryRows<{ count: number }>(
    url,
    `SELECT count(*)::int AS count FROM approval_votes WHERE approval_id = $1`,
    [approvalId],
  );
  return rows[0]?.count ?? -1;
}

/** A migrated database of its own with one Prisma client (one pool, as in a gateway process) on it. */
export interface StoreDatabase {
  readonly database: TestDatabase;
  readonly prisma: PrismaClient;
  close(): Promise<void>;
}

export async function openStoreDatabase(
  options: { maxConnections?: number; applicationName?: string } = {},
): Promise<StoreDatabase> {
  const database = await createMigratedDatabase();
  const url = new URL(database.url);
  if (options.applicationName) url.searchParams.set("application_name", options.applicationName);
  const prisma = createPrismaClient(url.toString(), { maxConnections: options.maxConnections });
  return {
    database,
    prisma,
    close: async () => {
      await prisma.$disconnect();
      await database.drop();
    },
  };
}
