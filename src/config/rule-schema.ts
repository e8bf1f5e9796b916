import type { ApprovalSpec, PolicyAction, RateLimitSpec, RuleSpec } from "../policy/types.js";
import { whenSchema } from "./condition-schema.js";
import {
  findDuplicates,
  isMapping,
  list,
  scalar,
  strictObject,
  stringField,
  withCheck,
  type Finding,
} from "./field-schemas.js";
import { duration, flag, integer, matching, oneOf, text } from "./scalar-kinds.js";

const ACTIONS = [
  "allow",
  "deny",
  "rate_limit",
  "require_approval",
] as const satisfies readonly PolicyAction[];
// `gateway:` names the gateway's own refusals in the decision log (see argument-depth.ts).
const RULE_ID = /^(?!gateway:)[A-Za-z0-9][A-Za-z0-9_.:-]*$/;
const TEN_MINUTES_MS = 10 * 60_000;

const actionKind = oneOf(ACTIONS);
const atLeastOne = integer(1, Number.MAX_SAFE_INTEGER, "a whole number of at least 1");

const rateLimitSchema = strictObject(
  {
    max: scalar(atLeastOne),
    window: scalar(duration({ allowZero: false })),
    per: scalar(oneOf(["session", "agent", "global"])).default("session"),
  },
  { expected: "a rate limit such as { max: 10, window: 60s }" },
).transform((limit): RateLimitSpec => ({ max: limit.max, windowMs: limit.window, per: limit.per }));

const approvalSchema = withCheck(
  strictObject({
    channel: scalar(text("a Slack channel id")).optional(),
    approvers: list(scalar(text("a Slack user id")), { expected: "a list of Slack user ids" }).default([]),
    quorum: scalar(atLeastOne).default(1),
    timeout: scalar(duration({ allowZero: false })).default(TEN_MINUTES_MS),
    on_timeout: scalar(oneOf(["deny", "approve"])).default("deny"),
    require_reason_on_deny: scalar(flag).default(false),
  }),
  checkApprovers,
).transform((approval): ApprovalSpec => ({
  ...(approval.channel !== undefined && { channel: approval.channel }),
  approvers: approval.approvers,
  quorum: approval.quorum,
  timeoutMs: approval.timeout,
  onTimeout: approval.on_timeout,
  requireReasonOnDeny: approval.require_reason_on_deny,
}));

const ruleSchema = withCheck(
  strictObject({
    id: scalar(
      matching(
        RULE_ID,
        "a rule id of letters, digits, _ . : or -, starting with a letter or digit but not with gateway:",
      ),
    ),
    tool: scalar(text("a tool name or glob such as delete_*")),
    upstream: scalar(text("an upstream name or glob")).optional(),
    agent: scalar(text("an agent id or glob")).optional(),
    action: scalar(actionKind),
    reason: scalar(text()).optional(),
    hide: scalar(flag).optional(),
    when: whenSchema.optional(),
    rate_limit: rateLimitSchema.optional(),
    approval: approvalSchema.optional(),
    mode: scalar(oneOf(["enforce", "shadow"])).optional(),
  }),
  checkActionOptions,
).transform((rule): RuleSpec => ({
  id: rule.id,
  tool: rule.tool,
  ...(rule.upstream !== undefined && { upstream: rule.upstream }),
  ...(rule.agent !== undefined && { agent: rule.agent }),
  ...(rule.when !== undefined && { when: rule.when }),
  action: rule.action,
  ...(rule.reason !== undefined && { reason: rule.reason }),
  ...(rule.hide !== undefined && { hide: rule.hide }),
  ...(rule.rate_limit !== undefined && { rateLimit: rule.rate_limit }),
  ...(rule.action === "require_approval" && { approval: rule.approval ?? defaultApproval() }),
  ...(rule.mode !== undefined && { mode: rule.mode }),
}));

/** The `policy.rules` list, in evaluation order, with unique ids. */
export const rulesSchema = withCheck(list(ruleSchema, { expected: "a list of rules" }), checkRuleIds);

function defaultApproval(): ApprovalSpec {
  return {
    approvers: [],
    quorum: 1,
    timeoutMs: TEN_MINUTES_MS,
    onTimeout: "deny",
    requireReasonOnDeny: false,
  };
}

/** Options that only make sense with one action, and the block `rate_limit` cannot do without. */
function checkActionOptions(value: unknown): Finding[] {
  if (!isMapping(value)) return [];
  const action = actionKind.parse(value.action);
  if (action === undefined) return [];
  const findings: Finding[] = [];
  if (action === "rate_limit" && value.rate_limit === undefined) {
    findings.push({
      path: ["rate_limit"],
      message:
        "expected a rate limit such as { max: 10, window: 60s } for action rate_limit, but the key is missing",
    });
  }
  if (action !== "deny" && flag.parse(value.hide) === true) {
    findings.push({ path: ["hide"], message: `only valid on a rule with action deny, got action ${action}` });
  }
  if (action !== "require_approval" && value.approval !== undefined) {
    findings.push({
      path: ["approval"],
      message: `only valid on a rule with action require_approval, got action ${action}`,
    });
  }
  return findings;
}

function checkApprovers(value: unknown): Finding[] {
  if (!isMapping(value) || !Array.isArray(value.approvers)) return [];
  const approvers: readonly unknown[] = value.approvers;
  const findings: Finding[] = findDuplicates(approvers, (approver) =>
    typeof approver === "string" ? approver : undefined,
  ).map(({ index, first, key }) => ({
    path: ["approvers", index],
    message: `duplicate approver ${JSON.stringify(key)}, already listed as approvers[${first}]`,
  }));
  const quorum = atLeastOne.parse(value.quorum ?? 1);
  if (approvers.length > 0 && quorum !== undefined && quorum > approvers.length) {
    findings.push({
      path: ["quorum"],
      message: `expected at most ${approvers.length} (the number of approvers), got ${quorum}`,
    });
  }
  return findings;
}

function checkRuleIds(value: unknown): Finding[] {
  if (!Array.isArray(value)) return [];
  return findDuplicates(value, (rule) => stringField(rule, "id")).map(({ index, first, key }) => ({
    path: [index, "id"],
    message: `duplicate rule id ${JSON.stringify(key)}, already used by policy.rules[${first}]`,
  }));
}
