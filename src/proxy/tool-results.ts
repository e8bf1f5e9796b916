import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { RateLimitSpec, RuleRef } from "../policy/types.js";

/**
 * The texts an agent reads when the gateway answers a call itself. They are written for a
 * model: what happened, which rule, why, whether the call ran, and what to do next. The
 * same facts go into `_meta` for programs.
 */
const metaKey = "mcp-approval-gateway/decision";

function gatewayResult(text: string, meta: Record<string, unknown>): CallToolResult {
  return { content: [{ type: "text", text }], isError: true, _meta: { [metaKey]: meta } };
}

function ruleLabel(rule: RuleRef | undefined): string {
  return rule ? `rule "${rule.id}"` : "the default policy";
}

export function deniedResult(rule: RuleRef | undefined, reason: string): CallToolResult {
  return gatewayResult(
    `Denied by the gateway policy (${ruleLabel(rule)}): ${reason}. The tool was not called.`,
    { decision: "deny", rule: rule?.id ?? null, reason },
  );
}

export function rateLimitedResult(
  rule: RuleRef | undefined,
  spec: RateLimitSpec,
  retryAfterMs: number,
): CallToolResult {
  const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return gatewayResult(
    `Rate limited by the gateway policy (${ruleLabel(rule)}): at most ${spec.max} calls per ` +
      `${formatWindow(spec.windowMs)} per ${spec.per}. The tool was not called. ` +
      `Retry after ${retryAfterSeconds} s.`,
    {
      decision: "rate_limited",
      rule: rule?.id ?? null,
      retryAfterMs,
      limit: spec.max,
      windowMs: spec.windowMs,
    },
  );
}

/** The arguments are nested deeper than the gateway accepts: refused before any rule applies. */
export function argumentsTooDeepResult(ruleId: string, reason: string): CallToolResult {
  return gatewayResult(
    `Refused by the gateway: ${reason}, deeper than it checks or shows to reviewers. ` +
      `The tool was not called. Send the call again with flatter arguments.`,
    { decision: "deny", rule: ruleId, reason },
  );
}

/** The gateway could not decide safely (Redis, Postgres or the approval channel is down): fail closed. */
export function unavailableResult(what: string, rule: RuleRef | undefined): CallToolResult {
  return gatewayResult(
    `The gateway cannot check this call right now (${what}), so it was not executed. ` +
      `This is temporary; try again in a little while.`,
    { decision: "unavailable", rule: rule?.id ?? null, reason: what },
  );
}

export function upstreamErrorResult(upstream: string, message: string): CallToolResult {
  return gatewayResult(`The upstream server "${upstream}" failed to handle the call: ${message}`, {
    decision: "allow",
    outcome: "error",
  });
}

export function formatWindow(windowMs: number): string {
  if (windowMs % 3_600_000 === 0) return `${windowMs / 3_600_000}h`;
  if (windowMs % 60_000 === 0) return `${windowMs / 60_000}m`;
  if (windowMs % 1000 === 0) return `${windowMs / 1000}s`;
  return `${windowMs}ms`;
}

export function approvalPendingResult(rule: RuleRef, approvalId: string, expiresAt: Date): CallToolResult {
  return gatewayResult(
    `Approval pending: this call needs a human decision (rule "${rule.id}", approval id ${approvalId}). ` +
      `The tool was not called yet. Call it again with the same arguments once it is approved; ` +
      `the request expires at ${expiresAt.toISOString()}.`,
    {
      decision: "require_approval",
      rule: rule.id,
      approvalId,
      status: "pending",
      expiresAt: expiresAt.toISOString(),
    },
  );
}

export function approvalRejectedResult(
  rule: RuleRef,
  approvalId: string,
  reviewer: string,
  reason: string | null,
): CallToolResult {
  return gatewayResult(
    `Rejected by ${reviewer}: ${reason?.trim() ? reason : "no reason given"}. The tool was not called.`,
    { decision: "require_approval", rule: rule.id, approvalId, status: "denied", reviewer, reason },
  );
}

export function approvalExpiredResult(rule: RuleRef, approvalId: string, timeoutMs: number): CallToolResult {
  return gatewayResult(
    `The approval request ${approvalId} expired after ${formatWindow(timeoutMs)} without a decision ` +
      `(rule "${rule.id}"). The tool was not called.`,
    { decision: "require_approval", rule: rule.id, approvalId, status: "expired" },
  );
}

export function approvalClosedResult(rule: RuleRef, approvalId: string, why: string): CallToolResult {
  return gatewayResult(`The approval request ${approvalId} is closed: ${why}. The tool was not called.`, {
    decision: "require_approval",
    rule: rule.id,
    approvalId,
    status: "closed",
  });
}
