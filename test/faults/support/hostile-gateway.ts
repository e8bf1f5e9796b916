import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { startFakeSlackApi, type FakeSlackApi } from "../../support/fake-slack-api.js";
import {
  agentTokens,
  connectAgent,
  createGatewayFixture,
  startGatewayProcess,
  type GatewayFixture,
  type GatewayProcess,
} from "../../support/gateway-harness.js";
import { blockActionPayload, signedSlackRequest, type SlackTestUser } from "../../support/slack-requests.js";
import { pollUntil } from "../../support/wait.js";
import { queryRows } from "./fault-helpers.js";
import { openRawSession, type RawMcpSession } from "../../support/raw-mcp.js";

export const signingSecret = "hostile-signing-secret-0123456789";
export const channel = "C0HOSTILE";
export const alice: SlackTestUser = { id: "U0ALICE", username: "alice" };
export const mallory: SlackTestUser = { id: "U0MALLORY", username: "mallory" };
/** A reviewer who copies Alice's name but not her id. */
export const impostor: SlackTestUser = { id: "U0IMPOSTOR", username: "alice" };
export const configDenyReason = "Deletion is disabled \u202Eevil\u202C 🚫";
/** NUL, an RTL override, emoji (a ZWJ sequence too), a zero-width space, a lone surrogate, Slack markup, BEL. */
export const hostileText =
  "nul:\u0000 rtl:\u202Eevil\u202C emoji:🚫👩‍💻 zero-width:\u200B lone:\uD800 ping:<!channel> bell:\u0007";

const policy = {
  default: "allow",
  rules: [
    { id: "no-deletes", tool: "delete_*", action: "deny", reason: configDenyReason },
    {
      id: "approve-keys",
      tool: "create_api_key",
      action: "require_approval",
      approval: { approvers: [alice.id], timeout: "10m", require_reason_on_deny: true },
    },
    // Structural comparison of whatever the agent sends against nested policy values.
    {
      id: "echo-checked",
      tool: "echo",
      when: { "args.payload": { ne: [[["x"]]], not_in: [[1], { a: 1 }] } },
      action: "allow",
    },
  ],
};

export interface Signing {
  readonly timestamp?: number;
  readonly forge?: boolean;
}

/**
 * A gateway process with Slack approvals (against the fake Slack API), an agent session held
 * on one approval request (its arguments full of hostile text), and a raw MCP session.
 */
export interface HostileGateway {
  readonly fixture: GatewayFixture;
  readonly gateway: GatewayProcess;
  readonly slack: FakeSlackApi;
  readonly raw: RawMcpSession;
  readonly agent: Client;
  readonly mcpUrl: string;
  /** The held call's approval request, once posted to Slack. */
  readonly approval: { readonly id: string; readonly ts: string };
  /** The agent's call held on `approval`; settles with its result (or error) once decided. */
  readonly heldCall: Promise<unknown>;
  /** POSTs a signed interaction as Slack would; resolves to the HTTP status. */
  interact(payload: Record<string, unknown>, signing?: Signing): Promise<number>;
  /** A click on one of the approval message's buttons. */
  click(actionId: string, user: SlackTestUser): Record<string, unknown>;
  approvalState(): Promise<{ status: string; votes: number } | undefined>;
  dispose(): Promise<void>;
}

export async function startHostileGateway(): Promise<HostileGateway> {
  const slack = await startFakeSlackApi();
  const fixture = await createGatewayFixture({
    policy,
    extra: {
      slack: { bot_token: "xoxb-hostile-token", signing_secret: signingSecret, channel, api_url: slack.url },
      approvals: { hold: "10m" },
    },
  });
  const gateway = await startGatewayProcess(fixture);
  const mcpUrl = `${gateway.url}/mcp/sagemaker`;
  const raw = await openRawSession(mcpUrl, agentTokens["ci-bot"]);
  const agent = await connectAgent(gateway.url, "sagemaker");
  const heldCall = agent
    .callTool({ name: "create_api_key", arguments: { name: hostileText } }, undefined, { timeout: 600_000 })
    .catch((error: unknown) => error);
  const approval = await pollUntil(
    async () => {
      const [row] = await queryRows<{ id: string; ts: string | null }>(
        fixture.database.url,
        "SELECT id, slack_message_ts AS ts FROM approval_requests WHERE tool = 'create_api_key'",
      );
      return { id: row?.id ?? "", ts: row?.ts ?? "" };
    },
    (row) => row.ts !== "",
    { timeoutMs: 30_000 },
  );
  return {
    fixture,
    gateway,
    slack,
    raw,
    agent,
    mcpUrl,
    approval,
    heldCall,
    interact: async (payload, signing = {}) => {
      const request = signedSlackRequest(payload, { signingSecret, ...signing });
      const response = await fetch(`${gateway.url}/slack/events`, {
        method: "POST",
        headers: request.headers,
        body: request.body,
      });
      await response.arrayBuffer();
      return response.status;
    },
    click: (actionId, user) =>
      blockActionPayload({
        actionId,
        approvalId: approval.id,
        user,
        channelId: channel,
        messageTs: approval.ts,
      }),
    approvalState: async () => {
      const [row] = await queryRows<{ status: string; votes: number }>(
        fixture.database.url,
        `SELECT status, (SELECT count(*)::int FROM approval_votes v WHERE v.approval_id = r.id) AS votes
           FROM approval_requests r WHERE id = $1`,
        [approval.id],
      );
      return row;
    },
    dispose: async () => {
      await agent.close().catch(() => undefined);
      await gateway.stop();
      await slack.close();
      await fixture.dispose();
    },
  };
}
