import type { ApprovalSpec, Decision, RateLimitSpec, RuleRef } from "./types.js";

const SCOPE_WORDING: Readonly<Record<RateLimitSpec["per"], string>> = {
  session: "per session",
  agent: "per agent",
  global: "globally",
};

/**
 * One human line for logs and the CLI, e.g. `deny by rule no-deletes: Deletion is disabled`,
 * `allow by rule throttle (rate limit 10 per 60s per session)`, `allow by default`,
 * `require_approval by rule approve-credentials (quorum 1, timeout 10m, on timeout deny)`.
 */
export function explainDecision(decision: Decision): string {
  const source = describeSource(decision.rule);
  switch (decision.action) {
    case "allow":
      return decision.rateLimit
        ? `allow ${source} (${describeRateLimit(decision.rateLimit)})`
        : `allow ${source}`;
    case "deny":
      return `deny ${source}: ${decision.reason}`;
    case "require_approval": {
      const details = [describeApproval(decision.approval)];
      if (decision.rateLimit) details.push(describeRateLimit(decision.rateLimit));
      return `require_approval ${source} (${details.join("; ")})`;
    }
  }
}

/**
 * A duration in the largest unit that keeps the count whole, with counts up to 60 staying in
 * the smaller unit: `60s`, `90s`, `2m`, `10m`, `60m`, `2h`.
 */
export function formatDuration(ms: number): string {
  if (!Number.isInteger(ms / 1000)) return `${ms}ms`;
  const seconds = ms / 1000;
  if (seconds <= 60 || !Number.isInteger(seconds / 60)) return `${seconds}s`;
  const minutes = seconds / 60;
  if (minutes <= 60 || !Number.isInteger(minutes / 60)) return `${minutes}m`;
  return `${minutes / 60}h`;
}

function describeSource(rule: RuleRef | undefined): string {
  return rule ? `by rule ${rule.id}` : "by default";
}

function describeRateLimit(limit: RateLimitSpec): string {
  return `rate limit ${limit.max} per ${formatDuration(limit.windowMs)} ${SCOPE_WORDING[limit.per]}`;
}

function describeApproval(approval: ApprovalSpec): string {
  return `quorum ${approval.quorum}, timeout ${formatDuration(approval.timeoutMs)}, on timeout ${approval.onTimeout}`;
}
