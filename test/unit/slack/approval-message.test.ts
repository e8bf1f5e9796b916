import { describe, expect, it } from "vitest";
import type { ApprovalRequest, ApprovalVote } from "../../../src/approvals/types.js";
import { renderApprovalRequest, renderDenyModal, type KnownBlock } from "../../../src/slack/index.js";
import { approvalRequestFixture } from "../../support/approval-request.js";

const createdAt = new Date("2030-01-02T10:00:00.000Z");
const expiresAt = new Date("2030-01-02T10:10:00.000Z");
const now = new Date("2030-01-02T10:03:00.000Z");

function request(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return approvalRequestFixture({ id: "apr_7f3a", createdAt, expiresAt, ...overrides });
}

function vote(overrides: Partial<ApprovalVote>): ApprovalVote {
  return {
    reviewerId: "U111",
    reviewerName: "alice",
    channel: "slack",
    vote: "approve",
    reason: null,
    createdAt: new Date("2030-01-02T10:02:00.000Z"),
    ...overrides,
  };
}

type Block = Record<string, unknown>;

function blocksOf(message: { blocks: KnownBlock[] }): Block[] {
  return message.blocks as unknown as Block[];
}

/** Every text the blocks show, in order. */
function textsOf(message: { blocks: KnownBlock[] }): string[] {
  const texts: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === "object" && value !== null) {
      for (const [key, inner] of Object.entries(value)) {
        if (key === "text" && typeof inner === "string") texts.push(inner);
        else visit(inner);
      }
    }
  };
  visit(message.blocks);
  return texts;
}

function buttonsOf(message: { blocks: KnownBlock[] }): Block[] {
  return blocksOf(message)
    .filter((block) => block.type === "actions")
    .flatMap((block) => block.elements as Block[]);
}

function argumentFields(message: { blocks: KnownBlock[] }): string[] {
  const section = blocksOf(message).find(
    (block) => (block.text as Block | undefined)?.text === "*Arguments*",
  );
  return ((section?.fields ?? []) as Block[]).map((field) => String(field.text));
}

describe("renderApprovalRequest for a pending request", () => {
  const message = renderApprovalRequest(request(), { now });

  it("heads the message with the tool and gives a fallback text", () => {
    expect(blocksOf(message)[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: "Approval needed: merge_pull_request" },
    });
    expect(message.text).toBe(
      "Approval needed: merge_pull_request (agent release-bot, rule merges-need-review)",
    );
  });

  it("shows agent, upstream, tool, rule and a Slack-formatted expiry", () => {
    const fields = ((blocksOf(message)[1]?.fields ?? []) as Block[]).map((field) => field.text);
    const unix = expiresAt.getTime() / 1000;
    expect(fields).toEqual([
      "*Agent*\nrelease-bot",
      "*Upstream*\ngithub",
      "*Tool*\nmerge_pull_request",
      "*Policy rule*\nmerges-need-review",
      `*Expires*\n<!date^${unix}^{date_short_pretty} {time}|2030-01-02T10:10:00.000Z>`,
    ]);
  });

  it("shows the arguments as key: value fields", () => {
    expect(argumentFields(message)).toEqual(["*repo:* acme/api", "*number:* 42"]);
  });

  it("offers Approve and Deny buttons carrying the request id", () => {
    expect(buttonsOf(message)).toEqual([
      expect.objectContaining({ action_id: "approval_approve", style: "primary", value: "apr_7f3a" }),
      expect.objectContaining({ action_id: "approval_deny", style: "danger", value: "apr_7f3a" }),
    ]);
    expect(buttonsOf(message).map((button) => (button.text as Block).text)).toEqual(["Approve", "Deny"]);
  });

  it("ends with a context line naming the approval id", () => {
    const last = blocksOf(message).at(-1);
    expect(last?.type).toBe("context");
    expect(JSON.stringify(last)).toContain("apr_7f3a");
  });
});

describe("renderApprovalRequest arguments", () => {
  it("cuts long values to about 200 characters with an ellipsis", () => {
    const message = renderApprovalRequest(request({ arguments: { body: "x".repeat(500) } }), { now });
    const [field] = argumentFields(message);
    expect(field).toBe(`*body:* ${"x".repeat(199)}…`);
  });

  it("shows nested values as compact JSON", () => {
    const message = renderApprovalRequest(
      request({ arguments: { labels: ["a", "b"], opts: { draft: false } } }),
      {
        now,
      },
    );
    expect(argumentFields(message)).toEqual(['*labels:* ["a","b"]', '*opts:* {"draft":false}']);
  });

  it("shows at most 10 fields and says how many more there are", () => {
    const args = Object.fromEntries(Array.from({ length: 13 }, (_, index) => [`arg${index}`, index]));
    const message = renderApprovalRequest(request({ arguments: args }), { now });
    expect(argumentFields(message)).toHaveLength(10);
    expect(argumentFields(message)[9]).toBe("*arg9:* 9");
    expect(textsOf(message)).toContain("+3 more");
  });

  it("redacts secret-looking values that reach it", () => {
    const token = `xoxb-${"1234567890".repeat(2)}-abcdef`;
    const message = renderApprovalRequest(
      request({ arguments: { header: `Bearer abc.def.ghi`, slack: token } }),
      {
        now,
      },
    );
    const rendered = JSON.stringify(message);
    expect(rendered).not.toContain(token);
    expect(rendered).not.toContain("abc.def.ghi");
    expect(argumentFields(message)).toEqual(["*header:* Bearer [REDACTED]", "*slack:* [REDACTED]"]);
  });

  it("redacts secrets outside the arguments too: header, details and reasons", () => {
    const awsKey = "AKIAABCDEFGHIJKLMNOP";
    const message = renderApprovalRequest(
      request({
        tool: `upload ${awsKey}`,
        agentId: `agent ${awsKey}`,
        status: "denied",
        decisionReason: "leaked Bearer abc.def.ghi",
      }),
      { now },
    );
    const rendered = JSON.stringify(message);
    expect(rendered).not.toContain(awsKey);
    expect(rendered).not.toContain("abc.def.ghi");
    expect(blocksOf(message)[0]).toMatchObject({ text: { text: "Approval needed: upload [REDACTED]" } });
  });

  it("escapes mrkdwn control characters so arguments cannot ping or link", () => {
    const message = renderApprovalRequest(
      request({ arguments: { note: "<!channel> & <https://evil.test|docs>" } }),
      {
        now,
      },
    );
    expect(argumentFields(message)).toEqual([
      "*note:* &lt;!channel&gt; &amp; &lt;https://evil.test|docs&gt;",
    ]);
  });

  it("says when there are no arguments", () => {
    const message = renderApprovalRequest(request({ arguments: {} }), { now });
    expect(textsOf(message)).toContain("*Arguments:* none");
  });
});

describe("renderApprovalRequest quorum progress", () => {
  it("shows approvals so far with the voters when more than one is needed", () => {
    const message = renderApprovalRequest(request({ quorum: 2, votes: [vote({ reviewerId: "U111" })] }), {
      now,
    });
    expect(textsOf(message)).toContain("*Approvals*\n1 of 2 approvals: <@U111>");
    expect(buttonsOf(message)).toHaveLength(2);
  });

  it("shows nothing about quorum for a single approval", () => {
    const message = renderApprovalRequest(request(), { now });
    expect(textsOf(message).some((text) => text.includes("approvals"))).toBe(false);
  });
});

describe("renderApprovalRequest once finished", () => {
  const decidedAt = new Date("2030-01-02T10:04:00.000Z");
  const decidedDate = `<!date^${decidedAt.getTime() / 1000}^{date_short_pretty} {time}|2030-01-02T10:04:00.000Z>`;

  it("says who approved and when, and how the upstream call went", () => {
    const message = renderApprovalRequest(
      request({
        status: "approved",
        decidedAt,
        decidedBy: "alice",
        votes: [vote({ reviewerId: "U111", reviewerName: "alice" })],
        executionOutcome: "ok",
      }),
      { now },
    );
    expect(buttonsOf(message)).toEqual([]);
    expect(textsOf(message)).toContain(`Approved by <@U111> at ${decidedDate}`);
    expect(textsOf(message)).toContain("Upstream call: ok");
    expect(message.text).toBe("Approved: merge_pull_request (agent release-bot, rule merges-need-review)");
  });

  it("says who denied, when and why", () => {
    const message = renderApprovalRequest(
      request({
        status: "denied",
        decidedAt,
        decidedBy: "bob",
        decisionReason: "not during the freeze",
        votes: [
          vote({ reviewerId: "U222", reviewerName: "bob", vote: "deny", reason: "not during the freeze" }),
        ],
      }),
      { now },
    );
    expect(buttonsOf(message)).toEqual([]);
    expect(textsOf(message)).toContain(`Denied by <@U222> at ${decidedDate}: not during the freeze`);
    expect(textsOf(message).some((text) => text.startsWith("Upstream call"))).toBe(false);
  });

  it("names CLI reviewers by name and falls back to now for an unrecorded time", () => {
    const message = renderApprovalRequest(
      request({
        status: "approved",
        decidedBy: "ops-admin",
        votes: [vote({ reviewerId: "ops-admin", reviewerName: "ops-admin", channel: "cli" })],
        executionOutcome: "error",
      }),
      { now },
    );
    const nowDate = `<!date^${now.getTime() / 1000}^{date_short_pretty} {time}|2030-01-02T10:03:00.000Z>`;
    expect(textsOf(message)).toContain(`Approved by ops-admin (cli) at ${nowDate}`);
    expect(textsOf(message)).toContain("Upstream call: error");
  });

  it("says how long an expired request waited and what the timeout did", () => {
    const message = renderApprovalRequest(
      request({ status: "expired", decidedAt: expiresAt, decidedBy: "timeout" }),
      {
        now,
      },
    );
    expect(buttonsOf(message)).toEqual([]);
    expect(textsOf(message)).toContain("Expired after 10m (on timeout: deny)");
  });

  it("says when the timeout approved the request", () => {
    const message = renderApprovalRequest(
      request({ status: "approved", onTimeout: "approve", decidedAt: expiresAt, decidedBy: "timeout" }),
      { now },
    );
    expect(textsOf(message)).toContain("Approved automatically on timeout");
  });

  it("gives the reason of a cancellation", () => {
    const message = renderApprovalRequest(
      request({ status: "cancelled", decidedAt, decisionReason: "agent session closed" }),
      { now },
    );
    expect(buttonsOf(message)).toEqual([]);
    expect(textsOf(message)).toContain("Cancelled: agent session closed");
  });
});

describe("renderDenyModal", () => {
  type ModalBlock = {
    type: string;
    block_id?: string;
    optional?: boolean;
    element?: Record<string, unknown>;
  };

  function reasonInput(requireReasonOnDeny: boolean): ModalBlock | undefined {
    const view = renderDenyModal(request({ requireReasonOnDeny }), { channel: "C0APPROVALS" });
    return (view.blocks as ModalBlock[]).find((block) => block.type === "input");
  }

  it("carries the request id and the channel to answer in", () => {
    const view = renderDenyModal(request(), { channel: "C0APPROVALS" });
    expect(view.type).toBe("modal");
    expect(view).toMatchObject({ callback_id: "approval_deny_reason" });
    expect(JSON.parse(view.private_metadata ?? "")).toEqual({ id: "apr_7f3a", channel: "C0APPROVALS" });
  });

  it("asks for a reason in a plain text input, optional by default", () => {
    expect(reasonInput(false)).toMatchObject({
      block_id: "reason_block",
      optional: true,
      element: { type: "plain_text_input", action_id: "reason" },
    });
  });

  it("requires the reason when the rule says so", () => {
    expect(reasonInput(true)).toMatchObject({ block_id: "reason_block", optional: false });
  });
});
