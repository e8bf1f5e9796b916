import express, { type NextFunction, type Request, type Response, type Router } from "express";
import type { Logger } from "pino";
import type { ApprovalService } from "../approvals/approval-service.js";
import type { DecisionQueries } from "../audit/decision-queries.js";
import type { AdminConfig } from "../config/types.js";
import { describeError, ErrorCode, isGatewayError } from "../errors.js";
import { AdminSessions } from "./admin-sessions.js";
import { addAuthRoutes, addSignOutRoute } from "./auth-routes.js";
import { clientScript } from "./client-script.js";
import { sendErrorPage } from "./error-page.js";
import { addHistoryRoutes } from "./history-routes.js";
import { addQueueRoutes } from "./queue-routes.js";
import { securityHeaders } from "./security-headers.js";
import { requireCsrfToken, requireSession } from "./session-guard.js";
import { stylesheet } from "./stylesheet.js";

export interface UiRouterDeps {
  /** Who may sign in (`config.admins`). */
  readonly admins: readonly AdminConfig[];
  readonly approvals: ApprovalService;
  readonly queries: DecisionQueries;
  readonly logger: Logger;
}

const maxFormBytes = 8 * 1024;

/**
 * The operators' web page, to be mounted at `/ui`: sign-in, the live approvals queue
 * (an approval channel for teams without Slack), the decision history and its chart.
 * Server-rendered, self-contained (no CDN, no external fonts), behind admin tokens.
 */
export function createUiRouter(deps: UiRouterDeps): Router {
  const sessions = new AdminSessions(deps.admins);
  const router = express.Router();
  router.use(securityHeaders);
  router.get("/app.js", (_req, res) => {
    res.type("text/javascript").send(clientScript);
  });
  router.get("/app.css", (_req, res) => {
    res.type("text/css").send(stylesheet);
  });
  router.use(express.urlencoded({ extended: false, limit: maxFormBytes, parameterLimit: 20 }));
  addAuthRoutes(router, sessions, deps.logger);
  router.use(requireSession(sessions));
  router.use(requireCsrfToken(sessions));
  addSignOutRoute(router);
  addQueueRoutes(router, { approvals: deps.approvals, sessions, logger: deps.logger });
  addHistoryRoutes(router, { queries: deps.queries, sessions });
  router.use((req: Request, res: Response) => sendErrorPage(req, res, 404, "There is no such page."));
  router.use(errorHandler(deps.logger));
  return router;
}

function errorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    if (isGatewayError(error) && error.code === ErrorCode.BadRequest) {
      sendErrorPage(req, res, 400, error.message);
      return;
    }
    const status =
      typeof error === "object" && error !== null ? (error as { status?: unknown }).status : undefined;
    if (status === 413 || status === 400) {
      sendErrorPage(
        req,
        res,
        status,
        status === 413 ? "The form was too large." : "The form could not be read.",
      );
      return;
    }
    logger.error({ err: describeError(error), path: req.path }, "web page request failed");
    const code = isGatewayError(error) ? ` (${error.code})` : "";
    sendErrorPage(req, res, 500, `The gateway could not answer${code}. Try again shortly.`);
  };
}
