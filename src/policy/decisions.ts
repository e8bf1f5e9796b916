import { ErrorCode, GatewayError } from "../errors.js";
import type { ApprovalSpec, Decision, PolicyAction, PolicySpec, RuleRef, RuleSpec } from "./types.js";

/** Used by `require_approval` rules that set no `approval` block. */
export const DEFAULT_APPROVAL: ApprovalSpec = Object.freeze({
  approvers: Object.freeze([]),
  quorum: 1,
  timeoutMs: 600_000,
  onTimeout: "deny",
  requireReasonOnDeny: false,
});

export const DEFAULT_DENY_REASON = "No policy rule allows this call (default: deny)";

/**
 * The decision a rule makes whenever it matches. It does not depend on the call, so it is
 * built once at compile time, frozen, and shared by every call the rule decides.
 * Throws `POLICY_INVALID` naming `keyPath` for an unknown action or a `rate_limit` rule
 * without its `rateLimit` block.
 */
export function decisionForRule(rule: RuleSpec, ref: RuleRef, keyPath: string): Decision {
  const rateLimit = rule.rateLimit === undefined ? undefined : Object.freeze({ ...rule.rateLimit });
  switch (rule.action) {
    case "allow":
      return Object.freeze(
        rateLimit ? { action: "allow", rule: ref, rateLimit } : { action: "allow", rule: ref },
      );
    case "rate_limit":
      if (!rateLimit) {
        throw new GatewayError(
          ErrorCode.PolicyInvalid,
          `${keyPath}.rateLimit: required for action rate_limit`,
        );
      }
      return Object.freeze({ action: "allow", rule: ref, rateLimit });
    case "deny":
      return Object.freeze({
        action: "deny",
        rule: ref,
        reason: rule.reason ?? `Denied by policy rule ${rule.id}`,
      });
    case "require_approval": {
      const approval = rule.approval ? freezeApproval(rule.approval) : DEFAULT_APPROVAL;
      return Object.freeze(
        rateLimit
          ? { action: "require_approval", rule: ref, approval, rateLimit }
          : { action: "require_approval", rule: ref, approval },
      );
    }
    default:
      throw new GatewayError(
        ErrorCode.PolicyInvalid,
        `${keyPath}.action: unknown action ${JSON.stringify(rule.action)} (expected allow, deny, rate_limit or require_approval)`,
      );
  }
}

/** What the policy decides when no rule matches; it names no rule. */
export function decisionForDefault(policyDefault: PolicySpec["default"], keyPath: string): Decision {
  switch (policyDefault) {
    case "allow":
      return Object.freeze({ action: "allow" });
    case "deny":
      return Object.freeze({ action: "deny", reason: DEFAULT_DENY_REASON });
    default:
      throw new GatewayError(
        ErrorCode.PolicyInvalid,
        `${keyPath}: unknown default ${JSON.stringify(policyDefault)} (expected allow or deny)`,
      );
  }
}

function freezeApproval(approval: ApprovalSpec): ApprovalSpec {
  return Object.freeze({ ...approval, approvers: Object.freeze([...approval.approvers]) });
}

/** The action as a policy author writes it: a counted allow is `rate_limit`. */
export function policyActionOf(decision: Decision): PolicyAction {
  return decision.action === "allow" && decision.rateLimit ? "rate_limit" : decision.action;
}
