import express, { type Response, type Router } from "express";
import type { ApprovalListFilter } from "../approvals/approval-store.js";
import type { ApprovalDecider, ApprovalRequest, Vote, VoteResult } from "../approvals/types.js";
import { ErrorCode, GatewayError } from "../errors.js";
import { parseParams } from "../audit/decision-filter-params.js";
import { adminOf } from "./admin-auth.js";
import { approvalListParams, voteBody } from "./admin-api-params.js";
import { queryOf } from "./admin-decision-routes.js";
import { ApiErrorCode, sendApiError } from "./api-errors.js";

/** What the approval routes need of the approval service. */
export interface AdminApprovals extends ApprovalDecider {
  list(filter: ApprovalListFilter): Promise<ApprovalRequest[]>;
}

/** Approval requests: list them, and approve or deny as the authenticated admin. */
export function createApprovalRoutes(approvals: AdminApprovals): Router {
  const router = express.Router();

  router.get("/approvals", async (req, res) => {
    const { status, limit } = parseParams(approvalListParams, queryOf(req));
    const items = await approvals.list({ status: status === "all" ? undefined : status, limit });
    res.json({ items });
  });

  for (const vote of ["approve", "deny"] as const) {
    router.post(`/approvals/:id/${vote}`, async (req, res) => {
      const { reason } = parseParams(voteBody, voteBodyOf(req.body));
      const admin = adminOf(res);
      const approvalId = String(req.params.id);
      const result = await approvals.decide({
        approvalId,
        reviewerId: `admin:${admin.id}`,
        reviewerName: admin.id,
        channel: "api",
        vote,
        reason: reason ?? null,
        operator: true,
      });
      sendVoteResult(res, result, vote, approvalId);
    });
  }

  return router;
}

function sendVoteResult(res: Response, result: VoteResult, vote: Vote, approvalId: string): void {
  switch (result.kind) {
    case "recorded":
      res.json({ decided: result.decided, request: result.request });
      return;
    case "not_found":
      return sendApiError(res, ApiErrorCode.NotFound, `no approval request ${approvalId}`);
    case "already_decided":
      return sendApiError(
        res,
        ApiErrorCode.Conflict,
        `approval ${approvalId} is already ${result.request.status}`,
      );
    case "already_voted":
      return sendApiError(res, ApiErrorCode.Conflict, `you already voted on approval ${approvalId}`);
    case "reason_required":
      return sendApiError(
        res,
        ApiErrorCode.BadRequest,
        `rule ${result.request.ruleId} requires a reason to ${vote}`,
      );
    case "not_authorized":
      return sendApiError(res, ApiErrorCode.Forbidden, `not authorised to decide approval ${approvalId}`);
  }
}

/** The JSON body, or none: a vote needs no body at all. */
function voteBodyOf(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (typeof body === "object" && body !== null && !Array.isArray(body)) return { ...body };
  throw new GatewayError(ErrorCode.BadRequest, 'the body must be a JSON object, e.g. {"reason": "…"}');
}
