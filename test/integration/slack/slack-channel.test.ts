import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import express from "express";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ApprovalRequest } from "../../../src/approvals/types.js";
import type { SlackConfig } from "../../../src/config/types.js";
import { ErrorCode, GatewayError } from "../../../src/errors.js";
import { createSlackChannel, renderApprovalRequest, type SlackChannel } from "../../../src/slack/index.js";
import { approvalRequestFixture } from "../../support/approval-request.js";
import { startFakeSlackApi, type FakeSlackApi } from "../../support/fake-slack-api.js";
import {
  blockActionPayload,
  signedSlackRequest,
  viewSubmissionPayload,
  type SlackTestUser,
} from "../../support/slack-requests.js";
import { InMemoryDecider } from "./in-memory-decider.js";

const config: SlackConfig = {
  botToken: "xoxb-test-bot-token",
  signingSecret: "test-signing-secret-0123456789",
  channel: "C0DEFAULT",
  apiUrl: "http://placeholder.invalid/api/",
};
const channelId = "C0APPROVALS";
const messageTs = "1700000000.000100";
const alice: SlackTestUser = { id: "U111", username: "alice" };
const mallory: SlackTestUser = { id: "U999", username: "mallory" };

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let counter = 0;
function approvalRequest(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  counter += 1;
  return approvalRequestFixture({
    id: `apr_${counter}`,
    createdAt: new Date(),
    slackChannel: channelId,
    slackMessageTs: messageTs,
    ...overrides,
  });
}

describe("createSlackChannel", () => {
  let fakeSlack: FakeSlackApi;
  let decider: InMemoryDecider;
  let channel: SlackChannel;
  let server: Server;
  let baseUrl: string;
  let logLines: string[];

  beforeAll(async () => {
    fakeSlack = await startFakeSlackApi();
  });

  afterAll(async () => {
    await fakeSlack.close();
  });

  beforeEach(async () => {
    fakeSlack.clear();
    decider = new InMemoryDecider();
    logLines = [];
    const logStream = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        logLines.push(chunk.toString());
        done();
      },
    });
    channel = createSlackChannel({
      config: { ...config, apiUrl: fakeSlack.url },
      decider,
      logger: pino({ level: "info" }, logStream),
      webClientRetries: 0,
    });
    const app = express();
    app.use(channel.router);
    app.use((_req, res) => {
      res.status(404).json({ error: "not found" });
    });
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await channel.start();
  });

  afterEach(async () => {
    await channel.stop();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function postToSlackEvents(
    payload: Record<string, unknown>,
    signing: { timestamp?: number; forge?: boolean } = {},
  ): Promise<Response> {
    const request = signedSlackRequest(payload, { signingSecret: config.signingSecret, ...signing });
    return fetch(`${baseUrl}/slack/events`, { method: "POST", ...request });
  }

  function click(actionId: string, approvalId: string, user: SlackTestUser): Promise<Response> {
    return postToSlackEvents(
      blockActionPayload({ actionId, approvalId, user, channelId, messageTs, triggerId: "trigger-123" }),
    );
  }

  /** Waits for the work each interaction does after Slack was answered. */
  const settle = (): Promise<void> => channel.stop();

  const ephemeralTexts = (): unknown[] => fakeSlack.calls("chat.postEphemeral").map((call) => call.body.text);

  describe("approve button", () => {
    it("records the vote of a signed click and answers Slack at once", async () => {
      const request = decider.add(approvalRequest());
      const response = await click("approval_approve", request.id, alice);
      await settle();

      expect(response.status).toBe(200);
      expect(decider.decideCalls).toEqual([
        {
          approvalId: request.id,
          reviewerId: "U111",
          reviewerName: "alice",
          channel: "slack",
          vote: "approve",
          reason: null,
          operator: false,
        },
      ]);
      expect(decider.requests.get(request.id)?.status).toBe("approved");
      // A recorded vote shows through the notifier's update, not a private reply.
      expect(fakeSlack.calls("chat.postEphemeral")).toEqual([]);
    });

    it("rejects a forged signature with 401 and records nothing", async () => {
      const request = decider.add(approvalRequest());
      const response = await postToSlackEvents(
        blockActionPayload({
          actionId: "approval_approve",
          approvalId: request.id,
          user: alice,
          channelId,
          messageTs,
        }),
        { forge: true },
      );
      await settle();

      expect(response.status).toBe(401);
      expect(decider.decideCalls).toEqual([]);
    });

    it("rejects a correctly signed request older than five minutes", async () => {
      const request = decider.add(approvalRequest());
      const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
      const response = await postToSlackEvents(
        blockActionPayload({
          actionId: "approval_approve",
          approvalId: request.id,
          user: alice,
          channelId,
          messageTs,
        }),
        { timestamp: sixMinutesAgo },
      );
      await settle();

      expect(response.status).toBe(401);
      expect(decider.decideCalls).toEqual([]);
    });

    it("tells a user who is not an approver, privately, and records no vote", async () => {
      const request = decider.add(approvalRequest({ approvers: ["U111"] }));
      const response = await click("approval_approve", request.id, mallory);
      await settle();

      expect(response.status).toBe(200);
      expect(fakeSlack.calls("chat.postEphemeral").map((call) => call.body)).toEqual([
        expect.objectContaining({
          channel: channelId,
          user: "U999",
          text: "You are not an approver for rule `merges-need-review`.",
        }),
      ]);
      expect(decider.requests.get(request.id)?.votes).toEqual([]);
      expect(decider.requests.get(request.id)?.status).toBe("pending");
    });

    it("tells the user when the request was already decided", async () => {
      const request = decider.add(
        approvalRequest({ status: "denied", decidedBy: "bob", decidedAt: new Date() }),
      );
      await click("approval_approve", request.id, alice);
      await settle();

      expect(ephemeralTexts()).toEqual(["This request was already denied by bob."]);
    });

    it("tells the user who already voted, and the one whose request is gone", async () => {
      const request = decider.add(approvalRequest({ quorum: 2 }));
      await click("approval_approve", request.id, alice);
      await waitFor(() => decider.requests.get(request.id)?.votes.length === 1);
      await click("approval_approve", request.id, alice);
      await waitFor(() => ephemeralTexts().length === 1);
      await click("approval_approve", "apr_missing", alice);
      await settle();

      expect(ephemeralTexts()).toEqual([
        "You already voted on this request.",
        "This approval request no longer exists.",
      ]);
      expect(decider.requests.get(request.id)?.votes).toHaveLength(1);
    });

    it("logs a failing approval service and answers without details", async () => {
      const request = decider.add(approvalRequest());
      decider.failure = new Error("connection to database lost\n    at Pool.connect (pg.js:1:1)");
      const response = await click("approval_approve", request.id, alice);
      await settle();

      expect(response.status).toBe(200);
      expect(ephemeralTexts()).toEqual([
        "The approval service could not handle this right now. Please try again.",
      ]);
      expect(logLines.join("")).toContain("connection to database lost");
      expect(logLines.join("")).not.toContain("Pool.connect");
    });
  });

  describe("deny button", () => {
    it("opens the deny modal for the clicked request", async () => {
      const request = decider.add(approvalRequest({ requireReasonOnDeny: true }));
      const response = await click("approval_deny", request.id, alice);
      await settle();

      expect(response.status).toBe(200);
      const opened = fakeSlack.calls("views.open");
      expect(opened).toHaveLength(1);
      expect(opened[0]?.token).toBe(config.botToken);
      expect(opened[0]?.body).toMatchObject({
        trigger_id: "trigger-123",
        view: { type: "modal", callback_id: "approval_deny_reason" },
      });
      const view = opened[0]?.body.view as { private_metadata: string; blocks: Record<string, unknown>[] };
      expect(JSON.parse(view.private_metadata)).toEqual({ id: request.id, channel: channelId });
      expect(view.blocks).toContainEqual(
        expect.objectContaining({ block_id: "reason_block", optional: false }),
      );
      expect(decider.decideCalls).toEqual([]);
    });

    it("opens nothing for a user who is not an approver", async () => {
      const request = decider.add(approvalRequest({ approvers: ["U111"] }));
      await click("approval_deny", request.id, mallory);
      await settle();

      expect(fakeSlack.calls("views.open")).toEqual([]);
      expect(ephemeralTexts()).toEqual(["You are not an approver for rule `merges-need-review`."]);
    });

    it("opens nothing for a request already decided", async () => {
      const request = decider.add(
        approvalRequest({ status: "approved", decidedBy: "alice", decidedAt: new Date() }),
      );
      await click("approval_deny", request.id, alice);
      await settle();

      expect(fakeSlack.calls("views.open")).toEqual([]);
      expect(ephemeralTexts()).toEqual(["This request was already approved by alice."]);
    });
  });

  describe("deny modal submission", () => {
    function submit(approvalId: string, reason: string | null): Promise<Response> {
      return postToSlackEvents(viewSubmissionPayload({ approvalId, channelId, reason, user: alice }));
    }

    it("keeps the modal open with an error when a required reason is blank", async () => {
      const request = decider.add(approvalRequest({ requireReasonOnDeny: true }));
      const response = await submit(request.id, "   ");
      await settle();

      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        response_action: "errors",
        errors: { reason_block: "A reason is required to deny this request." },
      });
      expect(decider.decideCalls).toEqual([]);
      expect(decider.requests.get(request.id)?.status).toBe("pending");
    });

    it("records a deny vote with the reason given", async () => {
      const request = decider.add(approvalRequest({ requireReasonOnDeny: true }));
      const response = await submit(request.id, "  not during the freeze ");
      await settle();

      expect(response.status).toBe(200);
      expect(await response.text()).toBe("");
      expect(decider.decideCalls).toEqual([
        expect.objectContaining({
          approvalId: request.id,
          reviewerId: "U111",
          reviewerName: "alice",
          vote: "deny",
          reason: "not during the freeze",
          operator: false,
        }),
      ]);
      expect(decider.requests.get(request.id)?.status).toBe("denied");
    });

    it("records a deny without a reason when none is required", async () => {
      const request = decider.add(approvalRequest());
      await submit(request.id, null);
      await settle();

      expect(decider.decideCalls).toEqual([expect.objectContaining({ vote: "deny", reason: null })]);
    });

    it("answers in the original channel when the deny changed nothing", async () => {
      const request = decider.add(approvalRequest({ status: "expired", decidedBy: "timeout" }));
      await submit(request.id, "too late");
      await settle();

      expect(fakeSlack.calls("chat.postEphemeral").map((call) => call.body)).toEqual([
        expect.objectContaining({
          channel: channelId,
          user: "U111",
          text: "This request was already expired by timeout.",
        }),
      ]);
    });
  });

  describe("notifier", () => {
    it("posts a request to the default channel with the rendered blocks", async () => {
      const request = approvalRequest({ slackChannel: null, slackMessageTs: null });
      const posted = await channel.notifier.postRequest(request);

      const calls = fakeSlack.calls("chat.postMessage");
      expect(calls).toHaveLength(1);
      const expected = renderApprovalRequest(request, { now: new Date() });
      expect(calls[0]?.token).toBe(config.botToken);
      expect(calls[0]?.body).toMatchObject({ channel: "C0DEFAULT", text: expected.text });
      expect(calls[0]?.body.blocks).toEqual(expected.blocks);
      expect(posted).toEqual({ channel: "C0DEFAULT", ts: expect.stringMatching(/^\d+\.\d{6}$/) });
    });

    it("posts to the rule's channel when it names one", async () => {
      const posted = await channel.notifier.postRequest(approvalRequest({ channel: "C0SECURITY" }));
      expect(fakeSlack.calls("chat.postMessage")[0]?.body.channel).toBe("C0SECURITY");
      expect(posted?.channel).toBe("C0SECURITY");
    });

    it("updates the posted message in place", async () => {
      const request = approvalRequest({
        status: "approved",
        decidedBy: "alice",
        decidedAt: new Date(),
        executionOutcome: "ok",
      });
      await channel.notifier.updateRequest(request);

      const calls = fakeSlack.calls("chat.update");
      expect(calls).toHaveLength(1);
      expect(calls[0]?.body).toMatchObject({ channel: channelId, ts: messageTs });
      expect(calls[0]?.body.blocks).toEqual(renderApprovalRequest(request, { now: new Date() }).blocks);
      expect(JSON.stringify(calls[0]?.body.blocks)).toContain("Upstream call: ok");
    });

    it("does not update a request that was never posted", async () => {
      await channel.notifier.updateRequest(approvalRequest({ slackChannel: null, slackMessageTs: null }));
      expect(fakeSlack.calls("chat.update")).toEqual([]);
    });

    it("rejects when the Web API call fails, for the caller to retry", async () => {
      fakeSlack.failNext("chat.postMessage", "channel_not_found");
      const failure = channel.notifier.postRequest(approvalRequest());
      await expect(failure).rejects.toBeInstanceOf(GatewayError);
      await expect(failure).rejects.toMatchObject({ code: ErrorCode.ApprovalUnavailable });
      await expect(failure).rejects.toThrow(/channel_not_found/);
      // The next attempt goes through.
      await expect(channel.notifier.postRequest(approvalRequest())).resolves.toMatchObject({
        channel: "C0DEFAULT",
      });
    });
  });

  describe("lifecycle", () => {
    it("checks the bot token with auth.test on start", () => {
      const calls = fakeSlack.calls("auth.test");
      expect(calls).toHaveLength(1);
      expect(calls[0]?.token).toBe(config.botToken);
    });

    it("fails start clearly when Slack rejects the token, and refuses interactions", async () => {
      fakeSlack.failNext("auth.test", "invalid_auth");
      const rejected = createSlackChannel({
        config: { ...config, apiUrl: fakeSlack.url },
        decider,
        logger: pino({ level: "silent" }),
        webClientRetries: 0,
      });
      await expect(rejected.start()).rejects.toMatchObject({
        code: ErrorCode.ConfigInvalid,
        message: expect.stringContaining("invalid_auth"),
      });

      const app = express().use(rejected.router);
      const otherServer = createServer(app);
      await new Promise<void>((resolve) => otherServer.listen(0, "127.0.0.1", resolve));
      try {
        const port = (otherServer.address() as AddressInfo).port;
        const request = signedSlackRequest(
          blockActionPayload({
            actionId: "approval_approve",
            approvalId: "apr_x",
            user: alice,
            channelId,
            messageTs,
          }),
          { signingSecret: config.signingSecret },
        );
        const response = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: "POST", ...request });
        expect(response.status).toBe(503);
        expect(decider.decideCalls).toEqual([]);
      } finally {
        otherServer.closeAllConnections();
        await new Promise<void>((resolve) => otherServer.close(() => resolve()));
      }
    });

    it("leaves every other route of the app alone", async () => {
      const response = await fetch(`${baseUrl}/mcp/github`, { method: "POST", body: "{}" });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: "not found" });
    });
  });
});
