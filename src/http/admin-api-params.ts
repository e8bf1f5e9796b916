import { z } from "zod";
import { exportFormats } from "../audit/decision-export-format.js";
import { countParam, decisionFilterParams, decisionPageParams } from "../audit/decision-filter-params.js";

const approvalStatuses = ["pending", "approved", "denied", "expired", "cancelled", "all"] as const;
const maxApprovalListLimit = 1_000;
const maxReasonLength = 2_000;

/** `GET /api/decisions`: the filters, then paging. */
export const decisionListParams = {
  ...decisionFilterParams,
  ...decisionPageParams,
};

/** `GET /api/decisions/export`: the filters and the format (CSV unless asked otherwise). */
export const decisionExportParams = {
  ...decisionFilterParams,
  format: z.enum(exportFormats, { error: `expected one of ${exportFormats.join(", ")}` }).default("csv"),
};

/** `GET /api/approvals`: newest first, all statuses unless one is asked for. */
export const approvalListParams = {
  status: z
    .enum(approvalStatuses, { error: `expected one of ${approvalStatuses.join(", ")}` })
    .default("all"),
  limit: countParam(maxApprovalListLimit).optional(),
};

/** The body of `POST /api/approvals/:id/approve|deny`. */
export const voteBody = {
  reason: z.string().max(maxReasonLength, `at most ${maxReasonLength} characters`).nullable().optional(),
};
