import { gatewayVersion } from "../version.js";
import { csvDescription, openApiSchemas } from "./openapi-schemas.js";

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ "application/json": { schema } });
const errorResponse = (description: string) => ({ description, content: json(ref("Error")) });

const authErrors = {
  "401": errorResponse("No valid admin token (UNAUTHORIZED)."),
  "403": errorResponse("An agent's token: valid, but without admin rights (FORBIDDEN)."),
  "503": errorResponse("Postgres or Redis cannot be used right now (UNAVAILABLE)."),
};
const badRequest = { "400": errorResponse("A parameter is invalid; the message names it (BAD_REQUEST).") };

function queryParam(name: string, description: string, schema: object = { type: "string" }) {
  return { name, in: "query", required: false, description, schema };
}

const filterParams = [
  queryParam("agent", "Only this agent's calls."),
  queryParam("upstream", "Only calls to this upstream."),
  queryParam("tool", "Only calls of this tool."),
  queryParam("decision", "Only this decision.", openApiSchemas.DecisionView.properties.decision),
  queryParam("reviewer", "Only calls this reviewer (by name) voted on."),
  queryParam("from", "Recorded at or after (ISO 8601 date-time with zone, or a UTC date).", {
    type: "string",
    format: "date-time",
  }),
  queryParam("to", "Recorded before (ISO 8601 date-time with zone, or a UTC date).", {
    type: "string",
    format: "date-time",
  }),
  queryParam("q", "Case-insensitive substring of the rule id or the reason."),
];

const pathId = (description: string) => ({
  name: "id",
  in: "path",
  required: true,
  description,
  schema: { type: "string", format: "uuid" },
});

function voteOperation(vote: "approve" | "deny") {
  return {
    post: {
      operationId: `${vote}Approval`,
      summary: `${vote === "approve" ? "Approve" : "Deny"} a pending request as the authenticated admin`,
      description:
        "Recorded with reviewer id `admin:<admin id>`, reviewer name `<admin id>`, channel `api`, as an operator.",
      tags: ["approvals"],
      parameters: [pathId("The approval request's id.")],
      requestBody: { required: false, content: json(ref("VoteRequest")) },
      responses: {
        "200": { description: "The vote was recorded.", content: json(ref("VoteResponse")) },
        "400": errorResponse("The rule requires a reason, or the body is invalid (BAD_REQUEST)."),
        "404": errorResponse("No such approval request (NOT_FOUND)."),
        "409": errorResponse("Already decided, or this admin already voted (CONFLICT)."),
        "413": errorResponse("The body is over 64 KiB (PAYLOAD_TOO_LARGE)."),
        ...authErrors,
      },
    },
  };
}

/** The OpenAPI 3.1 description of the admin API, served at `/api/openapi.json`. */
export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "mcp-approval-gateway admin API",
    version: gatewayVersion,
    description:
      "Decision history, exports and approvals for operators. Every error is " +
      "`{ error: { code, message, requestId } }`; every response carries `x-request-id`.",
  },
  servers: [{ url: "/api" }],
  security: [{ adminToken: [] }],
  tags: [{ name: "decisions" }, { name: "approvals" }, { name: "meta" }],
  paths: {
    "/decisions": {
      get: {
        operationId: "listDecisions",
        summary: "Decisions, newest first, one page at a time",
        tags: ["decisions"],
        parameters: [
          ...filterParams,
          queryParam("limit", "Page size, 1 to 500 (default 50).", {
            type: "integer",
            minimum: 1,
            maximum: 500,
          }),
          queryParam("cursor", "The `nextCursor` of the previous page."),
        ],
        responses: {
          "200": { description: "One page.", content: json(ref("DecisionPage")) },
          ...badRequest,
          ...authErrors,
        },
      },
    },
    "/decisions/export": {
      get: {
        operationId: "exportDecisions",
        summary: "Every matching decision, newest first, streamed",
        tags: ["decisions"],
        parameters: [
          ...filterParams,
          queryParam("format", "csv (default) or ndjson.", {
            type: "string",
            enum: ["csv", "ndjson"],
            default: "csv",
          }),
        ],
        responses: {
          "200": {
            description: "The export, sent in chunks as it is read.",
            content: {
              "text/csv": { schema: { type: "string", description: csvDescription } },
              "application/x-ndjson": {
                schema: { type: "string", description: "One DecisionView as JSON per line." },
              },
            },
          },
          ...badRequest,
          ...authErrors,
        },
      },
    },
    "/decisions/{id}": {
      get: {
        operationId: "getDecision",
        summary: "One decision with its approval request and timeline",
        tags: ["decisions"],
        parameters: [pathId("The decision's id.")],
        responses: {
          "200": { description: "The decision.", content: json(ref("DecisionDetail")) },
          "404": errorResponse("No such decision (NOT_FOUND)."),
          ...authErrors,
        },
      },
    },
    "/approvals": {
      get: {
        operationId: "listApprovals",
        summary: "Approval requests, newest first",
        tags: ["approvals"],
        parameters: [
          queryParam("status", "Only requests in this status (default all).", {
            type: "string",
            enum: ["pending", "approved", "denied", "expired", "cancelled", "all"],
            default: "all",
          }),
          queryParam("limit", "At most this many, 1 to 1000 (default 100).", {
            type: "integer",
            minimum: 1,
            maximum: 1000,
          }),
        ],
        responses: {
          "200": { description: "The requests.", content: json(ref("ApprovalList")) },
          ...badRequest,
          ...authErrors,
        },
      },
    },
    "/approvals/{id}/approve": voteOperation("approve"),
    "/approvals/{id}/deny": voteOperation("deny"),
    "/openapi.json": {
      get: {
        operationId: "getOpenApiDocument",
        summary: "This document",
        tags: ["meta"],
        security: [],
        responses: { "200": { description: "The OpenAPI 3.1 document.", content: json({ type: "object" }) } },
      },
    },
  },
  components: {
    securitySchemes: {
      adminToken: {
        type: "http",
        scheme: "bearer",
        description: "An admin token from `admins:` in the gateway config (agent tokens get 403).",
      },
    },
    schemas: openApiSchemas,
  },
} as const;
