import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { AdminSession, AdminSessions } from "./admin-sessions.js";
import { readCookie, sessionCookieName } from "./cookies.js";
import { takeFlash } from "./flash.js";
import type { PageContext } from "./layout.js";
import { isSameOrigin } from "./request-origin.js";
import { sendErrorPage } from "./error-page.js";

/**
 * Lets signed-in operators through. Pages send others to the sign-in form; the JSON
 * endpoint and form posts answer 401, which the page's script turns into that redirect.
 */
export function requireSession(sessions: AdminSessions): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const session = sessions.verify(readCookie(req, sessionCookieName));
    if (session) {
      res.locals.adminSession = session;
      next();
      return;
    }
    if (req.method === "GET" && !req.path.endsWith(".json")) {
      res.redirect(303, `${req.baseUrl}/login`);
      return;
    }
    res.status(401).json({ error: { code: "UNAUTHORIZED", message: "sign in again" } });
  };
}

/**
 * Rejects state-changing requests that another site could have made: each must come from
 * our own origin (when the browser says where it comes from) and carry the session's CSRF
 * token, which only our pages know.
 */
export function requireCsrfToken(sessions: AdminSessions): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === "GET" || req.method === "HEAD") {
      next();
      return;
    }
    const submitted: unknown = (req.body as Record<string, unknown> | undefined)?.csrf;
    if (isSameOrigin(req) && sessions.checkCsrfToken(sessionOf(res), submitted)) {
      next();
      return;
    }
    sendErrorPage(
      req,
      res,
      403,
      "This form is out of date or did not come from this page. Reload and try again.",
    );
  };
}

export function sessionOf(res: Response): AdminSession {
  return res.locals.adminSession as AdminSession;
}

/** What every page of this request needs: where it lives, who is signed in, the CSRF token, the flash. */
export function pageContext(
  req: Request,
  res: Response,
  sessions: AdminSessions,
  options: { showFlash: boolean } = { showFlash: true },
): PageContext {
  const session = sessionOf(res);
  return {
    base: req.baseUrl,
    adminId: session.adminId,
    csrfToken: sessions.csrfToken(session),
    // The live feed must not swallow the message meant for the next page.
    flash: options.showFlash ? takeFlash(req, res) : undefined,
  };
}
