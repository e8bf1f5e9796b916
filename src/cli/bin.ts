#!/usr/bin/env node
import { Command } from "commander";
import { gatewayVersion } from "../version.js";
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

type PolicyTestOptions = Parameters<typeof runPolicyTestCommand>[0];

program.parseAsync(process.argv).catch(reportFailure);
