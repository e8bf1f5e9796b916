import type { NextFunction, Request, RequestHandler, Response } from "express";
import { ErrorCode, GatewayError } from "../errors.js";
import type { AgentDirectory } from "./agent-auth.js";
import { ApiErrorCode, sendApiError } from "./api-errors.js";

/** An authenticated operator of the admin API. */
export interface Admin {
  readonly id: string;
}

export interface AdminAuthOptions {
  readonly admins: AgentDirectory;
  /** Agent tokens are valid credentials without admin rights: they get 403, not 401. */
  readonly agents: AgentDirectory;
}

/** Lets only requests bearing an admin token through; records who the admin is. */
export function requireAdmin(options: AdminAuthOptions): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    const authorization = req.get("authorization");
    const admin = options.admins.authenticate(authorization);
    if (admin) {
      res.locals.admin = admin;
      next();
      return;
    }
    if (options.agents.authenticate(authorization)) {
      sendApiError(
        res,
        ApiErrorCode.Forbidden,
        "this token belongs to an agent; the admin API needs an admin token",
      );
      return;
    }
    res.setHeader("WWW-Authenticate", 'Bearer realm="mcp-approval-gateway-admin"');
    sendApiError(res, ApiErrorCode.Unauthorized, "a valid admin bearer token is required");
  };
}

/** The admin {@link requireAdmin} let through. */
export function adminOf(res: Response): Admin {
  const admin: unknown = res.locals.admin;
  if (typeof admin === "object" && admin !== null && "id" in admin && typeof admin.id === "string") {
    return { id: admin.id };
  }
  throw new GatewayError(ErrorCode.Internal, "admin route reached without authentication");
}
