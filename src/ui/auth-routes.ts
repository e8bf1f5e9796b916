import { randomBytes } from "node:crypto";
import type { Request, Response, Router } from "express";
import type { Logger } from "pino";
import { sameText, type AdminSessions } from "./admin-sessions.js";
import { clearCookie, loginCookieName, readCookie, sessionCookieName, setCookie } from "./cookies.js";
import { renderLoginPage } from "./login-page.js";
import { isSameOrigin } from "./request-origin.js";

const loginFormLifetimeSeconds = 15 * 60;

/**
 * Sign-in and sign-out. The sign-in form is paired with the browser that loaded it (a
 * random value in both a cookie and the form), so another site cannot sign a browser in
 * to an account of its choosing.
 */
export function addAuthRoutes(router: Router, sessions: AdminSessions, logger: Logger): void {
  router.get("/login", (req, res) => {
    if (sessions.verify(readCookie(req, sessionCookieName))) {
      res.redirect(303, `${req.baseUrl}/`);
      return;
    }
    sendLoginForm(req, res, 200);
  });

  router.post("/login", (req, res) => {
    const form = (req.body ?? {}) as Record<string, unknown>;
    const paired = readCookie(req, loginCookieName);
    if (!isSameOrigin(req) || !paired || typeof form.csrf !== "string" || !sameText(form.csrf, paired)) {
      sendLoginForm(req, res, 403, "The sign-in form expired. Please try again.");
      return;
    }
    const adminId = typeof form.token === "string" ? sessions.authenticate(form.token) : undefined;
    if (!adminId) {
      logger.warn({ ip: req.ip }, "web page sign-in rejected");
      sendLoginForm(req, res, 401, "That token is not an admin token.");
      return;
    }
    const session = sessions.issue(adminId);
    clearCookie(req, res, loginCookieName);
    setCookie(req, res, sessionCookieName, session.cookieValue, {
      maxAgeSeconds: (session.expiresAt.getTime() - Date.now()) / 1_000,
    });
    logger.info({ adminId }, "admin signed in to the web page");
    res.redirect(303, `${req.baseUrl}/`);
  });
}

/** Sign-out; mounted behind the session and CSRF checks. */
export function addSignOutRoute(router: Router): void {
  router.post("/logout", (req, res) => {
    clearCookie(req, res, sessionCookieName);
    res.redirect(303, `${req.baseUrl}/login`);
  });
}

function sendLoginForm(req: Request, res: Response, status: number, error?: string): void {
  const loginToken = randomBytes(24).toString("base64url");
  setCookie(req, res, loginCookieName, loginToken, { maxAgeSeconds: loginFormLifetimeSeconds });
  res
    .status(status)
    .type("html")
    .send(renderLoginPage({ base: req.baseUrl, loginToken, ...(error ? { error } : {}) }).value);
}
