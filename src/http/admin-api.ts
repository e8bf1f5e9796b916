import express, { type Router } from "express";
import type { Logger } from "pino";
import type { DecisionQueries } from "../audit/decision-queries.js";
import type { AdminConfig, AgentConfig } from "../config/types.js";
import { createApprovalRoutes, type AdminApprovals } from "./admin-approval-routes.js";
import { requireAdmin } from "./admin-auth.js";
import { createDecisionRoutes } from "./admin-decision-routes.js";
import { AgentDirectory } from "./agent-auth.js";
import { apiErrorHandler, ApiErrorCode, sendApiError } from "./api-errors.js";
import { openApiDocument } from "./openapi-document.js";
import { assignRequestId } from "./request-id.js";

export interface AdminApiOptions {
  readonly admins: readonly AdminConfig[];
  /** Recognised only to tell an agent's token (403) from no valid token (401). */
  readonly agents: readonly AgentConfig[];
  readonly decisions: DecisionQueries;
  readonly approvals: AdminApprovals;
  readonly logger: Logger;
}

const maxBodyBytes = 64 * 1024;

/**
 * The admin API, mounted at `/api`: decision history, exports and approvals for operators
 * holding an admin token. Every error is `{ error: { code, message, requestId } }`.
 */
export function createAdminApi(options: AdminApiOptions): Router {
  const router = express.Router();
  router.use(assignRequestId);
  // The description of the API is public: it holds no data.
  router.get("/openapi.json", (_req, res) => {
    res.json(openApiDocument);
  });
  router.use(
    requireAdmin({ admins: new AgentDirectory(options.admins), agents: new AgentDirectory(options.agents) }),
  );
  router.use(express.json({ limit: maxBodyBytes }));
  router.use(createDecisionRoutes(options.decisions, options.logger));
  router.use(createApprovalRoutes(options.approvals));
  router.use((req, res) =>
    sendApiError(res, ApiErrorCode.NotFound, `no endpoint ${req.method} /api${req.path}`),
  );
  router.use(apiErrorHandler(options.logger));
  return router;
}
