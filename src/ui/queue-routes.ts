import type { Router } from "express";
import type { Logger } from "pino";
import type { ApprovalService } from "../approvals/approval-service.js";
import { describeError } from "../errors.js";
import type { AdminSessions } from "./admin-sessions.js";
import { setFlash } from "./flash.js";
import { pendingRows, renderQueuePage } from "./queue-page.js";
import { pageContext, sessionOf } from "./session-guard.js";
import { describeVote } from "./vote-messages.js";

const maxShownPending = 200;
const maxReasonLength = 500;

/** The approvals queue, its live feed, and the Approve / Deny forms. */
export function addQueueRoutes(
  router: Router,
  deps: { approvals: ApprovalService; sessions: AdminSessions; logger: Logger },
): void {
  const pending = () => deps.approvals.list({ status: "pending", limit: maxShownPending });

  router.get("/", async (req, res) => {
    const context = pageContext(req, res, deps.sessions);
    res.type("html").send(renderQueuePage(context, await pending(), new Date()).value);
  });

  router.get("/pending.json", async (req, res) => {
    const context = pageContext(req, res, deps.sessions, { showFlash: false });
    try {
      res.json({ items: pendingRows(context, await pending(), new Date()) });
    } catch (error) {
      deps.logger.warn({ err: describeError(error) }, "pending approvals not listed for the web page");
      res.status(503).json({ error: { code: "UNAVAILABLE", message: "approvals unavailable" } });
    }
  });

  router.post("/approvals/:id/:vote", async (req, res, next) => {
    const vote = req.params.vote;
    if (vote !== "approve" && vote !== "deny") {
      next();
      return;
    }
    const approvalId = String(req.params.id);
    const adminId = sessionOf(res).adminId;
    const reason = textField(req.body, "reason");
    try {
      const result = await deps.approvals.decide({
        approvalId,
        reviewerId: `admin:${adminId}`,
        reviewerName: adminId,
        channel: "api",
        vote,
        reason: reason ? reason.slice(0, maxReasonLength) : null,
        operator: true,
      });
      setFlash(req, res, describeVote(result, vote, approvalId));
    } catch (error) {
      deps.logger.error({ approvalId, err: describeError(error) }, "web page vote failed");
      setFlash(req, res, { kind: "error", text: `The vote was not recorded: ${describeError(error)}` });
    }
    res.redirect(303, `${req.baseUrl}/`);
  });
}

function textField(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === "string" ? value.trim() : "";
}
