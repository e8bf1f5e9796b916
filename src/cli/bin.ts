#!/usr/bin/env node
import { Command } from "commander";
import { gatewayVersion } from "../version.js";
import { decideApproval, listApprovals } from "./approvals-command.js";
import { registerAuditQueryCommands } from "./audit-command.js";
import { runAuditPruneCommand, type AuditPruneOptions } from "./audit-prune-command.js";
import { runAuditVerifyCommand, type AuditVerifyOptions } from "./audit-verify-command.js";
import { runMigrateCommand } from "./migrate-command.js";
import { runPolicyTestCommand } from "./policy-test-command.js";
import { reportFailure } from "./report-failure.js";
import { runStartCommand } from "./start-command.js";

const program = new Command()
  .name("mcp-approval-gateway")
  .description("Human-in-the-loop approval proxy for MCP servers")
  .version(gatewayVersion);

program
  .command("start")
  .description("run the gateway")
  .option("-c, --config <file>", "gateway config file", "gateway.yaml")
  .action((options: { config: string }) => runStartCommand(options));

program
  .command("migrate")
  .description("apply the database migrations (no Prisma engine needed)")
  .option("-c, --config <file>", "take database.url from this config file instead of DATABASE_URL")
  .option("--database-url <url>", "database to migrate (default: DATABASE_URL)")
  .action((options: { config?: string; databaseUrl?: string }) => runMigrateCommand(options));

program
  .command("policy")
  .description("work with the policy")
  .command("test")
  .description("show what the policy decides for one call")
  .option("-c, --config <file>", "gateway config file", "gateway.yaml")
  .requiredOption("--upstream <name>", "upstream the call goes to")
  .requiredOption("--tool <name>", "tool name")
  .option("--args <json>", "call arguments as a JSON object", "{}")
  .option("--agent <id>", "calling agent id", "policy-test")
  .option("--expect <action>", "exit 1 unless the decision is this action (allow | deny | require_approval)")
  .action((options: PolicyTestOptions) => runPolicyTestCommand(options));

const approvals = program
  .command("approvals")
  .description("list and decide approval requests as an operator");
approvals
  .command("list")
  .option("-c, --config <file>", "gateway config file", "gateway.yaml")
  .option("--status <status>", "pending | approved | denied | expired | cancelled | all", "pending")
  .option("--limit <n>", "at most this many", "50")
  .action((options: { config: string; status: string; limit: string }) => listApprovals(options));
for (const vote of ["approve", "deny"] as const) {
  approvals
    .command(`${vote} <id>`)
    .description(`${vote} a pending request, recorded as the named operator`)
    .option("-c, --config <file>", "gateway config file", "gateway.yaml")
    .option("--as <name>", "operator name recorded with the decision (default: your login)")
    .option("--reason <text>", vote === "deny" ? "why (shown to the agent)" : "why (recorded)")
    .action((id: string, options: { config: string; as?: string; reason?: string }) =>
      decideApproval(vote, id, options),
    );
}

// The audit subcommands (list, show, export, verify) hang off this command.
const audit = program.command("audit").description("query, export and verify the decision log");
registerAuditQueryCommands(audit);
audit
  .command("verify")
  .description("check the decision log's hash chain; exit 1 at the first altered, deleted or inserted record")
  .option("-c, --config <file>", "take database.url from this config file instead of DATABASE_URL")
  .option("--database-url <url>", "database to verify (default: DATABASE_URL)")
  .option("--batch-size <n>", "records read per query", "1000")
  .option("--expect-head <seq:hash>", "head printed by an earlier run: detects records deleted at the end")
  .action((options: AuditVerifyOptions) => runAuditVerifyCommand(options));
audit
  .command("prune")
  .description("delete decision records older than a duration, leaving a verification anchor")
  .requiredOption("--older-than <duration>", "e.g. 90d")
  .option("-c, --config <file>", "take database.url from this config file instead of DATABASE_URL")
  .option("--database-url <url>", "database to prune (default: DATABASE_URL)")
  .action((options: AuditPruneOptions) => runAuditPruneCommand(options));

type PolicyTestOptions = Parameters<typeof runPolicyTestCommand>[0];

program.parseAsync(process.argv).catch(reportFailure);
