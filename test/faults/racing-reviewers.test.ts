import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApprovalStore, argumentsHash, type ApprovalRequest } from "../../src/approvals/index.js";
import type { PrismaClient } from "../../src/generated/prisma/client.js";
import { createPrismaClient } from "../../src/store/index.js";
import { startFakeSlackApi, type FakeSlackApi } from "../support/fake-slack-api.js";
import {
  createGatewayFixture,
  startGatewayProcess,
  type GatewayFixture,
  type GatewayProcess,
} from "../support/gateway-harness.js";
import { blockActionPayload, signedSlackRequest, viewSubmissionPayload } from "../support/slack-requests.js";
import { pollUntil } from "../support/wait.js";
import { mapConcurrently, queryRows, reportFigures, tally } from "./support/fault-helpers.js";

const approvalCount = 1_000;
/** Approvals raced at once (three clicks each); the next wave waits until every click was handled. */
const waveSize = 25;
const signingSecret = "fault-signing-secret-0123456789";
const channel = "C0RACES";
const alice = { id: "U0ALICE", username: "alice" };
const bob = { id: "U0BOB", username: "bob" };

/**
 * Even approvals need one approval: Alice double-clicks Approve (once on each replica) while
 * Bob submits a deny at the same moment; exactly one of the three may decide. Odd ones need
 * two: Alice double-clicks, Bob approves; Alice counts once, the second distinct vote decides.
 */
const quorumOf = (index: number): 1 | 2 => (index % 2 === 0 ? 1 : 2);

interface VoteRow {
  readonly approval_id: string;
  readonly reviewer_id: string;
  readonly vote: string;
  readonly created_at: Date;
}

interface RequestRow {
  readonly id: string;
  readonly status: string;
  readonly quorum: number;
  readonly decided_by: string | null;
  readonly decided_at: Date | null;
}

describe("1,000 approvals, each with a double click and a racing second reviewer, over two replicas", () => {
  let slack: FakeSlackApi;
  let fixture: GatewayFixture;
  let replicas: GatewayProcess[];
  let prisma: PrismaClient;

  beforeAll(async () => {
    slack = await startFakeSlackApi();
    fixture = await createGatewayFixture({
      policy: { default: "allow" },
      extra: {
        slack: { bot_token: "xoxb-race-token", signing_secret: signingSecret, channel, api_url: slack.url },
      },
    });
    replicas = await Promise.all([startGatewayProcess(fixture), startGatewayProcess(fixture)]);
    prisma = createPrismaClient(fixture.database.url, { maxConnections: 8 });
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await Promise.all((replicas ?? []).map((replica) => replica.stop()));
    await slack?.close();
    await fixture?.dispose();
  });

  it("decides each exactly once and keeps exactly the expected votes", async () => {
    // Created directly with ApprovalStore, as a held call would, to spend the time on the race.
    const store = new ApprovalStore(prisma);
    const requests = await mapConcurrently(
      Array.from({ length: approvalCount }, (_, index) => index),
      8,
      (index) => store.create(newRequest(index)),
    );
    const statuses: number[] = [];
    let retriedRaces = 0;
    for (let start = 0; start < requests.length; start += waveSize) {
      let racing = requests.slice(start, start + waveSize).map((request, offset) => ({
        request,
        index: start + offset,
      }));
      // A reviewer told "could not handle this, try again" clicks again: at most twice more.
      for (let round = 0; round < 3 && racing.length > 0; round += 1) {
        if (round > 0) retriedRaces += racing.length;
        statuses.push(...(await Promise.all(racing.flatMap(({ request, index }) => race(request, index)))));
        await pollUntil(
          () => effectsSoFar(),
          (effects) => effects >= statuses.length,
          { timeoutMs: 60_000, intervalMs: 100 },
        );
        const stillPending = new Set(await pendingAmong(racing.map(({ request }) => request.id)));
        racing = racing.filter(({ request }) => stillPending.has(request.id));
      }
    }

    const rows = await queryRows<RequestRow>(
      fixture.database.url,
      "SELECT id, status, quorum, decided_by, decided_at FROM approval_requests",
    );
    const votes = await queryRows<VoteRow>(
      fixture.database.url,
      "SELECT approval_id, reviewer_id, vote, created_at FROM approval_votes",
    );
    const replies = slack.calls("chat.postEphemeral");
    const votesOf = groupBy(votes, (vote) => vote.approval_id);
    const singles = rows.filter((row) => row.quorum === 1);
    const pairs = rows.filter((row) => row.quorum === 2);
    const wrong = rows.filter((row) => !decidedConsistently(row, votesOf.get(row.id) ?? []));
    const replyKinds = tally(replies, (call) => replyKind(String(call.body.text)));
    const singleOutcomes = tally(singles, (row) => `${row.status} by ${row.decided_by ?? "nobody"}`);
    const stampedBeforeAVote = rows.filter((row) =>
      (votesOf.get(row.id) ?? []).some((vote) => row.decided_at !== null && vote.created_at > row.decided_at),
    ).length;

    reportFigures("racing reviewers", [
      `${rows.length} approvals (created with ApprovalStore), ${statuses.length} signed Slack interactions to 2 replicas`,
      `${rows.filter((row) => row.decided_at !== null).length} decided, ${wrong.length} decided wrongly or twice`,
      `quorum 1: ${describeCounts(singleOutcomes)}`,
      `quorum 2: ${pairs.filter((row) => row.status === "approved").length} approved`,
      `${votes.length} vote rows (expected ${singles.length + 2 * pairs.length})`,
      `${replies.length} private replies (${describeCounts(replyKinds)})`,
      `${retriedRaces} races clicked again after "try again"`,
      `${stampedBeforeAVote} decisions timestamped before a vote they counted`,
    ]);

    expect(tally(statuses, String)).toEqual({ "200": statuses.length });
    expect(rows).toHaveLength(approvalCount);
    expect(wrong).toEqual([]);
    expect(tally(singles, (row) => (row.decided_at === null ? row.status : "decided"))).toEqual({
      decided: approvalCount / 2,
    });
    expect(tally(pairs, (row) => row.status)).toEqual({ approved: approvalCount / 2 });
    expect(votes).toHaveLength(singles.length + 2 * pairs.length);
    // Every click had exactly one effect: a vote row, or a private answer that nothing changed.
    expect(votes.length + replies.length).toBe(statuses.length);
    expect(Object.keys(replyKinds).filter((kind) => !expectedReplyKinds.has(kind))).toEqual([]);
  });

  /** Votes recorded plus private replies sent: one per click once every click is handled. */
  async function effectsSoFar(): Promise<number> {
    const [row] = await queryRows<{ n: number }>(
      fixture.database.url,
      "SELECT count(*)::int AS n FROM approval_votes",
    );
    return (row?.n ?? 0) + slack.calls("chat.postEphemeral").length;
  }

  /** The three clicks on one approval, sent at once; resolves to their HTTP statuses. */
  function race(request: ApprovalRequest, index: number): Promise<number>[] {
    const [first, second] = index % 4 < 2 ? replicas : [...replicas].reverse();
    const aliceClick = blockActionPayload({
      actionId: "approval_approve",
      approvalId: request.id,
      user: alice,
      channelId: channel,
      messageTs: `1700000000.${String(index).padStart(6, "0")}`,
    });
    const bobVote =
      quorumOf(index) === 1
        ? viewSubmissionPayload({
            approvalId: request.id,
            channelId: channel,
            reason: "race: deny",
            user: bob,
          })
        : blockActionPayload({
            actionId: "approval_approve",
            approvalId: request.id,
            user: bob,
            channelId: channel,
            messageTs: `1700000000.${String(index).padStart(6, "0")}`,
          });
    return [
      interact(first as GatewayProcess, aliceClick),
      interact(second as GatewayProcess, aliceClick),
      interact(second as GatewayProcess, bobVote),
    ];
  }

  async function pendingAmong(ids: readonly string[]): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      fixture.database.url,
      "SELECT id FROM approval_requests WHERE id = ANY($1::uuid[]) AND status = 'pending'",
      [ids],
    );
    return rows.map((row) => row.id);
  }
});

async function interact(replica: GatewayProcess, payload: Record<string, unknown>): Promise<number> {
  const request = signedSlackRequest(payload, { signingSecret });
  const response = await fetch(`${replica.url}/slack/events`, {
    method: "POST",
    headers: request.headers,
    body: request.body,
  });
  await response.arrayBuffer();
  return response.status;
}

function newRequest(index: number): Parameters<ApprovalStore["create"]>[0] {
  const args = { name: `race-${index}` };
  return {
    id: randomUUID(),
    agentId: "ci-bot",
    sessionId: null,
    upstream: "sagemaker",
    tool: "create_api_key",
    arguments: args,
    argumentsHash: argumentsHash(args),
    ruleId: "race-approvals",
    channel,
    approvers: [alice.id, bob.id],
    quorum: quorumOf(index),
    onTimeout: "deny",
    requireReasonOnDeny: false,
    expiresAt: new Date(Date.now() + 30 * 60_000),
  };
}

/**
 * A request decided once, by the votes that should have decided it: with quorum 1 its only
 * vote; with quorum 2 one approval each from Alice and Bob, the later of which (in lock
 * order, which the vote timestamps need not follow) decided it.
 */
function decidedConsistently(row: RequestRow, votes: readonly VoteRow[]): boolean {
  if (row.decided_at === null) return false;
  const voters = votes.map((vote) => vote.reviewer_id);
  if (new Set(voters).size !== voters.length) return false;
  const names = voters.map((id) => (id === alice.id ? alice.username : bob.username));
  if (row.decided_by === null || !names.includes(row.decided_by)) return false;
  if (row.quorum === 2) {
    return votes.length === 2 && row.status === "approved" && votes.every((vote) => vote.vote === "approve");
  }
  const [only] = votes;
  return votes.length === 1 && row.status === (only?.vote === "approve" ? "approved" : "denied");
}

const unavailableReplyKind = "could not handle, try again";
const expectedReplyKinds = new Set(["already decided", "already voted", unavailableReplyKind]);

function replyKind(text: string): string {
  if (text.startsWith("This request was already")) return "already decided";
  if (text.startsWith("You already voted")) return "already voted";
  if (text.startsWith("The approval service could not handle this")) return unavailableReplyKind;
  return text;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

function describeCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([label, n]) => `${n} ${label}`)
    .join(" / ");
}
