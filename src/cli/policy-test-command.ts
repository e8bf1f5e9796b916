import { loadConfig } from "../config/index.js";
import { ErrorCode, GatewayError } from "../errors.js";
import { compilePolicy, evaluate, explainDecision, isToolHidden } from "../policy/index.js";

export interface PolicyTestOptions {
  readonly config: string;
  readonly upstream: string;
  readonly tool: string;
  readonly args: string;
  readonly agent: string;
  readonly expect?: string;
}

/** Prints what the policy decides for one call, so operators can check a policy before deploying it. */
export function runPolicyTestCommand(options: PolicyTestOptions): void {
  const config = loadConfig(options.config);
  if (!config.upstreams.some((upstream) => upstream.name === options.upstream)) {
    const known = config.upstreams.map((upstream) => upstream.name).join(", ");
    throw new GatewayError(
      ErrorCode.UpstreamUnknown,
      `Unknown upstream "${options.upstream}" (configured: ${known})`,
    );
  }
  const policy = compilePolicy(config.policy);
  const call = {
    upstream: options.upstream,
    tool: options.tool,
    agentId: options.agent,
    args: parseArgs(options.args),
  };
  const { decision, shadow } = evaluate(policy, call);
  console.log(`decision: ${decision.action}`);
  console.log(`rule:     ${decision.rule ? decision.rule.id : "(default)"}`);
  console.log(`detail:   ${explainDecision(decision)}`);
  if (shadow) console.log(`shadow:   ${explainDecision(shadow.decision)} (recorded, not enforced)`);
  if (isToolHidden(policy, { upstream: call.upstream, tool: call.tool, agentId: call.agentId })) {
    console.log("listing:  hidden from tools/list");
  }
  if (options.expect && options.expect !== decision.action) {
    console.error(`expected ${options.expect}, got ${decision.action}`);
    process.exitCode = 1;
  }
}

function parseArgs(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new GatewayError(ErrorCode.BadRequest, `--args is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new GatewayError(
      ErrorCode.BadRequest,
      '--args must be a JSON object, e.g. \'{"operation":"delete"}\'',
    );
  }
  return parsed as Record<string, unknown>;
}
