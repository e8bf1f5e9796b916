/**
 * A policy shaped like a production one: twenty rules mixing hidden denies, upstream and agent
 * scopes, `in` / `regex` / comparison conditions, approvals and rate limits, default deny.
 * The rule that allows `describe_endpoint` comes last, so a measured call is tested against
 * every rule before it matches; several earlier rules evaluate conditions on its arguments.
 */
export const realisticPolicy: Record<string, unknown> = {
  default: "deny",
  rules: [
    {
      id: "no-deletes",
      tool: "delete_*",
      action: "deny",
      reason: "Deletion is disabled for agents",
      hide: true,
    },
    { id: "no-internal-tools", tool: "internal_*", action: "deny", hide: true },
    {
      id: "billing-no-refunds",
      upstream: "billing*",
      tool: "*refund*",
      action: "deny",
      reason: "Refunds go through finance",
      hide: true,
    },
    {
      id: "billing-readonly",
      upstream: "billing",
      tool: "create_*",
      action: "deny",
      reason: "Billing is read-only",
    },
    {
      id: "no-secret-arguments",
      tool: "*",
      when: { "args.client_secret": { exists: true } },
      action: "deny",
      reason: "Pass secrets through the vault, not as tool arguments",
    },
    {
      id: "no-china-regions",
      tool: "*",
      when: { "args.region": { regex: "^cn-" } },
      action: "deny",
      reason: "Agents may not act in China regions",
    },
    {
      id: "no-gov-regions",
      tool: "*",
      when: { "args.region": { in: ["us-gov-west-1", "us-gov-east-1"] } },
      action: "deny",
      reason: "GovCloud is out of scope for agents",
    },
    {
      id: "prod-endpoints-hidden",
      tool: "*_endpoint",
      when: { "args.endpoint_name": { regex: "^(prod|prd)-[a-z0-9-]+$" } },
      action: "deny",
      reason: "Production endpoints are managed through the console",
    },
    {
      id: "restricted-endpoints",
      tool: "*_endpoint",
      when: { "args.endpoint_name": { in: ["ep-finance", "ep-payroll", "ep-hr", "ep-legal", "ep-audit"] } },
      action: "deny",
      reason: "This endpoint serves restricted data",
    },
    {
      id: "stacks-delete",
      tool: "manage_hyperpod_stacks",
      when: { "args.operation": { in: ["delete", "batch_delete"] } },
      action: "deny",
      reason: "Stack deletion needs a human",
    },
    {
      id: "stacks-update-ops-only",
      tool: "manage_hyperpod_stacks",
      agent: "ci-*",
      when: { "args.operation": "update" },
      action: "deny",
      reason: "Only operations agents update stacks",
    },
    {
      id: "stacks-deploy",
      tool: "manage_hyperpod_stacks",
      when: { "args.operation": "deploy" },
      action: "require_approval",
      approval: { quorum: 1, timeout: "30m" },
    },
    {
      id: "stacks-read",
      tool: "manage_hyperpod_stacks",
      when: { "args.operation": "describe" },
      action: "allow",
    },
    {
      id: "long-lived-keys",
      tool: "create_api_key",
      when: { "args.expires_in_days": { gt: 90 } },
      action: "deny",
      reason: "Keys may live at most 90 days",
    },
    {
      id: "keys-need-approval",
      tool: "create_api_key",
      action: "require_approval",
      approval: { timeout: "10m" },
    },
    {
      id: "long-diagnostics",
      tool: "run_diagnostics",
      when: { "args.duration_ms": { gte: 30_000 } },
      action: "deny",
      reason: "Diagnostics may run at most 30 s",
    },
    {
      id: "diagnostics",
      tool: "run_diagnostics",
      action: "rate_limit",
      rate_limit: { max: 20, window: "60s", per: "agent" },
    },
    { id: "echo", tool: "echo", action: "rate_limit", rate_limit: { max: 100, window: "60s", per: "agent" } },
    {
      id: "list-endpoints",
      tool: "list_endpoints",
      action: "rate_limit",
      rate_limit: { max: 600, window: "60s", per: "agent" },
    },
    {
      id: "describe-endpoints",
      tool: "describe_endpoint",
      action: "allow",
      rate_limit: { max: 1_000_000, window: "60s", per: "session" },
    },
  ],
};
