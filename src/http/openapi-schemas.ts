import { csvColumns } from "../audit/decision-export-format.js";
import { decisionKinds } from "../audit/decision-filter-params.js";

const nullableString = { type: ["string", "null"] } as const;
const nullableInteger = { type: ["integer", "null"] } as const;
const dateTime = { type: "string", format: "date-time" } as const;
const nullableDateTime = { type: ["string", "null"], format: "date-time" } as const;

const decisionViewProperties = {
  id: { type: "string", format: "uuid" },
  createdAt: dateTime,
  requestId: { type: "string" },
  agentId: { type: "string" },
  sessionId: nullableString,
  upstream: { type: "string" },
  tool: { type: "string" },
  arguments: { description: "The call's arguments, secrets redacted when recorded." },
  decision: { type: "string", enum: [...decisionKinds] },
  ruleId: nullableString,
  reason: nullableString,
  outcome: { type: ["string", "null"], enum: ["ok", "error", null] },
  latencyMs: { type: "integer" },
  upstreamLatencyMs: nullableInteger,
  approvalId: { type: ["string", "null"], format: "uuid" },
  approvalStatus: nullableString,
  reviewers: { type: "array", items: { type: "string" } },
  approvalWaitMs: nullableInteger,
  shadowDecision: nullableString,
  shadowRuleId: nullableString,
  seq: { ...nullableString, description: "Position in the tamper-evident chain (a decimal BIGINT)." },
} as const;

const approvalVote = {
  type: "object",
  required: ["reviewerId", "reviewerName", "channel", "vote", "reason", "createdAt"],
  properties: {
    reviewerId: { type: "string" },
    reviewerName: { type: "string" },
    channel: { type: "string", enum: ["slack", "cli", "api", "timeout"] },
    vote: { type: "string", enum: ["approve", "deny"] },
    reason: nullableString,
    createdAt: dateTime,
  },
} as const;

const approvalRequestProperties = {
  id: { type: "string", format: "uuid" },
  createdAt: dateTime,
  expiresAt: dateTime,
  status: { type: "string", enum: ["pending", "approved", "denied", "expired", "cancelled"] },
  agentId: { type: "string" },
  sessionId: nullableString,
  upstream: { type: "string" },
  tool: { type: "string" },
  arguments: { description: "The call's arguments, secrets redacted." },
  argumentsHash: { type: "string" },
  ruleId: { type: "string" },
  channel: nullableString,
  approvers: { type: "array", items: { type: "string" } },
  quorum: { type: "integer", minimum: 1 },
  onTimeout: { type: "string", enum: ["deny", "approve"] },
  requireReasonOnDeny: { type: "boolean" },
  slackChannel: nullableString,
  slackMessageTs: nullableString,
  slackPostedAt: nullableDateTime,
  decidedAt: nullableDateTime,
  decidedBy: nullableString,
  decisionReason: nullableString,
  deliveredAt: nullableDateTime,
  executionOutcome: { type: ["string", "null"], enum: ["ok", "error", null] },
  votes: { type: "array", items: { $ref: "#/components/schemas/ApprovalVote" } },
} as const;

/** The `components.schemas` of the admin API's OpenAPI document. */
export const openApiSchemas = {
  Error: {
    type: "object",
    required: ["error"],
    properties: {
      error: {
        type: "object",
        required: ["code", "message", "requestId"],
        properties: {
          code: {
            type: "string",
            enum: [
              "UNAUTHORIZED",
              "FORBIDDEN",
              "NOT_FOUND",
              "BAD_REQUEST",
              "CONFLICT",
              "PAYLOAD_TOO_LARGE",
              "UNAVAILABLE",
              "INTERNAL",
            ],
          },
          message: { type: "string" },
          requestId: { type: "string", description: "Also sent as the x-request-id header." },
        },
      },
    },
  },
  DecisionView: {
    type: "object",
    required: Object.keys(decisionViewProperties),
    properties: decisionViewProperties,
  },
  DecisionPage: {
    type: "object",
    required: ["items", "nextCursor"],
    properties: {
      items: { type: "array", items: { $ref: "#/components/schemas/DecisionView" } },
      nextCursor: {
        ...nullableString,
        description: "Pass as `cursor` for the next (older) page; null on the last.",
      },
    },
  },
  TimelineEvent: {
    type: "object",
    required: ["at", "kind", "actor", "detail"],
    properties: {
      at: dateTime,
      kind: {
        type: "string",
        enum: [
          "requested",
          "posted_to_slack",
          "vote",
          "decided",
          "forwarded",
          "upstream_outcome",
          "recorded",
        ],
      },
      actor: nullableString,
      detail: { type: "string" },
    },
  },
  DecisionDetail: {
    allOf: [
      { $ref: "#/components/schemas/DecisionView" },
      {
        type: "object",
        required: ["approval", "timeline"],
        properties: {
          approval: { oneOf: [{ $ref: "#/components/schemas/ApprovalRequest" }, { type: "null" }] },
          timeline: { type: "array", items: { $ref: "#/components/schemas/TimelineEvent" } },
        },
      },
    ],
  },
  ApprovalVote: approvalVote,
  ApprovalRequest: {
    type: "object",
    required: Object.keys(approvalRequestProperties),
    properties: approvalRequestProperties,
  },
  ApprovalList: {
    type: "object",
    required: ["items"],
    properties: { items: { type: "array", items: { $ref: "#/components/schemas/ApprovalRequest" } } },
  },
  VoteRequest: {
    type: "object",
    additionalProperties: false,
    properties: { reason: { ...nullableString, maxLength: 2000 } },
  },
  VoteResponse: {
    type: "object",
    required: ["decided", "request"],
    properties: {
      decided: { type: "boolean", description: "Whether this vote made the decision final." },
      request: { $ref: "#/components/schemas/ApprovalRequest" },
    },
  },
} as const;

export const csvDescription =
  `CSV (RFC 4180, CRLF line ends) with a header row of the columns ${csvColumns.join(", ")}. ` +
  "`arguments` and `reviewers` are compact JSON; null is an empty field; times are ISO 8601 UTC.";
