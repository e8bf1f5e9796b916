import { randomUUID } from "node:crypto";
import {
  CallToolResultSchema,
  ErrorCode as SdkErrorCode,
  McpError,
  type CallToolResult,
} from "@modelcontextprotocol/sdk/types.js";
import type { Logger } from "pino";
import { describeError, ErrorCode, isGatewayError } from "../errors.js";
import { evaluate, policyActionOf, type CompiledPolicy, type Evaluation } from "../policy/index.js";
import type { Decision, RateLimitSpec } from "../policy/types.js";
import { rateLimitKey } from "../ratelimit/index.js";
import type { RateLimitOutcome } from "../ratelimit/index.js";
import type { DecisionRecord } from "../store/index.js";
import type { UpstreamConnection } from "../upstream/index.js";
import type { ApprovalFlow, ApprovalVerdict } from "./approval-flow.js";
import { argumentsTooDeepRuleId, maxArgumentDepth, nestingDepth } from "./argument-depth.js";
import {
  argumentsTooDeepResult,
  deniedResult,
  rateLimitedResult,
  unavailableResult,
  upstreamErrorResult,
} from "./tool-results.js";

/** What the gate needs of the rate limiter, the decision log, the approvals and the upstreams. */
export interface CallGateDependencies {
  readonly policy: () => CompiledPolicy;
  readonly rateLimiter: { consume(key: string, spec: RateLimitSpec): Promise<RateLimitOutcome> };
  readonly decisionLog: { record(entry: DecisionRecord): void; readonly accepting: boolean };
  readonly upstream: (name: string) => UpstreamConnection | undefined;
  /** Absent when no approval channel runs: calls that need approval then fail closed. */
  readonly approvals: ApprovalFlow | undefined;
  /** Told when an approved call has run, so every channel can show its outcome. */
  readonly onApprovedCallDone?: (approvalId: string, outcome: "ok" | "error") => Promise<void>;
  readonly logger: Logger;
  /** Longest an upstream call may run; progress notifications reset the clock. */
  readonly upstreamTimeoutMs: number;
  /** Told every decision record, whether or not the log accepted it (metrics). */
  readonly onDecision?: (entry: DecisionRecord) => void;
}

/** One intercepted `tools/call`, with what is needed to answer the waiting client. */
export interface ToolCallRequest {
  readonly requestId: string;
  /** The id of the HTTP request that carried the call, for log lines. */
  readonly httpRequestId?: string;
  readonly upstream: string;
  readonly tool: string;
  readonly args: Record<string, unknown>;
  readonly agentId: string;
  readonly sessionId: string | undefined;
  readonly signal: AbortSignal;
  /** Relays progress to the client; absent when the client sent no progress token. */
  readonly sendProgress?: (progress: { progress: number; total?: number; message?: string }) => Promise<void>;
}

/** The part of a decision record that the gate's path determines. */
type Verdict = Pick<DecisionRecord, "decision" | "reason"> &
  Partial<Pick<DecisionRecord, "approvalId" | "approvalStatus" | "reviewers" | "approvalWaitMs">>;

type Screened = { readonly verdict: Verdict; readonly result?: CallToolResult };

/** The rules a decision record names: the enforced one and, when it differs, the shadow one. */
type RuleFields = Pick<DecisionRecord, "ruleId" | "shadowDecision" | "shadowRuleId">;

/**
 * Decides and, when allowed, forwards one `tools/call`. Every path ends in exactly one
 * decision record, and every refusal is a `CallToolResult` the model can read, never a
 * protocol error or a hang.
 */
export class CallGate {
  constructor(private readonly deps: CallGateDependencies) {}

  async handle(call: ToolCallRequest): Promise<CallToolResult> {
    const startedAt = performance.now();
    if (nestingDepth(call.args, maxArgumentDepth) > maxArgumentDepth) {
      return this.refuseTooDeep(call, startedAt);
    }
    // Shadow rules are only recorded: the gate enforces `decision` alone.
    const evaluation = evaluate(this.deps.policy(), call);
    const { decision } = evaluation;
    const rules = ruleFieldsOf(evaluation);
    const screened = await this.screen(call, decision);
    if (screened.result) {
      this.record(call, rules, screened.verdict, startedAt, null, null);
      return screened.result;
    }
    if (decision.action !== "require_approval") return this.forward(call, rules, screened.verdict, startedAt);

    const approval = await this.holdForApproval(call, decision);
    if ("result" in approval) {
      this.record(call, rules, approval.verdict, startedAt, null, null);
      return approval.result;
    }
    return this.forward(call, rules, approval.verdict, startedAt, approval.approvalId);
  }

  /** Refuses a call no rule can be trusted to judge: see `maxArgumentDepth`. */
  private refuseTooDeep(call: ToolCallRequest, startedAt: number): CallToolResult {
    const reason = `the arguments are nested more than ${maxArgumentDepth} levels deep`;
    const rules = { ruleId: argumentsTooDeepRuleId, shadowDecision: null, shadowRuleId: null };
    this.record(call, rules, { decision: "deny", reason }, startedAt, null, null);
    return argumentsTooDeepResult(argumentsTooDeepRuleId, reason);
  }

  /** Everything that may stop the call before it is held or forwarded. */
  private async screen(call: ToolCallRequest, decision: Decision): Promise<Screened> {
    if (decision.action === "deny") {
      return {
        verdict: { decision: "deny", reason: decision.reason },
        result: deniedResult(decision.rule, decision.reason),
      };
    }
    if (decision.action === "require_approval" && !this.deps.approvals) {
      return this.unavailable(decision, "approval is required but no approval channel is running");
    }
    if (!this.deps.decisionLog.accepting) {
      return this.unavailable(decision, "the decision log cannot be written (database unavailable)");
    }
    const counted = decision.rateLimit;
    if (counted) {
      const limited = await this.applyRateLimit(call, decision, counted);
      if (limited) return limited;
    }
    return { verdict: { decision: decision.action, reason: null } };
  }

  private async applyRateLimit(
    call: ToolCallRequest,
    decision: Decision,
    spec: RateLimitSpec,
  ): Promise<Screened | undefined> {
    const key = rateLimitKey({
      ruleId: decision.rule?.id ?? "default",
      per: spec.per,
      agentId: call.agentId,
      sessionId: call.sessionId,
      upstream: call.upstream,
    });
    try {
      const outcome = await this.deps.rateLimiter.consume(key, spec);
      if (outcome.allowed) return undefined;
      return {
        verdict: {
          decision: "rate_limited",
          reason: `rate limit of ${spec.max} per ${spec.windowMs} ms per ${spec.per} reached`,
        },
        result: rateLimitedResult(decision.rule, spec, outcome.retryAfterMs),
      };
    } catch (error) {
      if (!isGatewayError(error) || error.code !== ErrorCode.RedisUnavailable) throw error;
      return this.unavailable(decision, "the rate limiter is unavailable (Redis unreachable)");
    }
  }

  private async holdForApproval(
    call: ToolCallRequest,
    decision: Extract<Decision, { action: "require_approval" }>,
  ): Promise<{ verdict: Verdict; result: CallToolResult } | { verdict: Verdict; approvalId: string }> {
    const flow = this.deps.approvals;
    if (!flow) return this.unavailable(decision, "approval is required but no approval channel is running");
    let outcome: ApprovalVerdict;
    try {
      outcome = await flow.run(call, decision.rule, decision.approval);
    } catch (error) {
      if (!isGatewayError(error)) throw error;
      if (error.code !== ErrorCode.RedisUnavailable && error.code !== ErrorCode.DatabaseUnavailable)
        throw error;
      const what = error.code === ErrorCode.RedisUnavailable ? "Redis" : "the database";
      return this.unavailable(decision, `the approval queue is unavailable (${what} unreachable)`);
    }
    const verdict: Verdict = {
      decision: "require_approval",
      reason: outcome.request.decisionReason,
      approvalId: outcome.request.id,
      approvalStatus: outcome.kind === "forward" ? "approved" : outcome.status,
      reviewers: outcome.request.votes.map((vote) => vote.reviewerName),
      approvalWaitMs: outcome.waitedMs,
    };
    if (outcome.kind === "answer") return { verdict, result: outcome.result };
    return { verdict, approvalId: outcome.request.id };
  }

  private async forward(
    call: ToolCallRequest,
    rules: RuleFields,
    verdict: Verdict,
    startedAt: number,
    approvalId?: string,
  ): Promise<CallToolResult> {
    const upstreamStartedAt = performance.now();
    let outcome: "ok" | "error" = "error";
    try {
      const result = await this.callUpstream(call);
      outcome = result.isError ? "error" : "ok";
      return result;
    } finally {
      // A relayed protocol error or a cancelled call still leaves exactly one record.
      this.record(call, rules, verdict, startedAt, outcome, performance.now() - upstreamStartedAt);
      if (approvalId) void this.deps.onApprovedCallDone?.(approvalId, outcome).catch(() => undefined);
    }
  }

  private async callUpstream(call: ToolCallRequest): Promise<CallToolResult> {
    const upstream = this.deps.upstream(call.upstream);
    if (!upstream) throw new McpError(-32602, `Unknown upstream "${call.upstream}"`);
    try {
      const result = await upstream.request(
        { method: "tools/call", params: { name: call.tool, arguments: call.args } },
        CallToolResultSchema,
        {
          signal: call.signal,
          timeout: this.deps.upstreamTimeoutMs,
          resetTimeoutOnProgress: true,
          readyTimeoutMs: 10_000,
          onprogress: call.sendProgress ? (progress) => void call.sendProgress?.(progress) : undefined,
        },
      );
      return result as CallToolResult;
    } catch (error) {
      if (call.signal.aborted || isRelayedProtocolError(error)) throw error;
      this.loggerFor(call).warn(
        { upstream: call.upstream, err: describeError(error) },
        "upstream call failed",
      );
      return upstreamErrorResult(call.upstream, describeError(error));
    }
  }

  private loggerFor(call: ToolCallRequest): Logger {
    const { logger } = this.deps;
    return call.httpRequestId === undefined ? logger : logger.child({ requestId: call.httpRequestId });
  }

  private unavailable(decision: Decision, reason: string): Screened & { result: CallToolResult } {
    return { verdict: { decision: "unavailable", reason }, result: unavailableResult(reason, decision.rule) };
  }

  private record(
    call: ToolCallRequest,
    rules: RuleFields,
    verdict: Verdict,
    startedAt: number,
    outcome: "ok" | "error" | null,
    upstreamLatencyMs: number | null,
  ): void {
    const entry: DecisionRecord = {
      id: randomUUID(),
      createdAt: new Date(),
      requestId: call.requestId,
      agentId: call.agentId,
      sessionId: call.sessionId ?? null,
      upstream: call.upstream,
      tool: call.tool,
      arguments: call.args,
      outcome,
      latencyMs: Math.round(performance.now() - startedAt),
      upstreamLatencyMs: upstreamLatencyMs === null ? null : Math.round(upstreamLatencyMs),
      ...rules,
      ...verdict,
    };
    this.deps.onDecision?.(entry);
    try {
      this.deps.decisionLog.record(entry);
    } catch (error) {
      // The call already ran or was refused; the backlog guard stops the next ones.
      this.loggerFor(call).error(
        { err: describeError(error), rpcRequestId: call.requestId },
        "decision not recorded",
      );
    }
  }
}

function ruleFieldsOf({ decision, shadow }: Evaluation): RuleFields {
  return {
    ruleId: decision.rule?.id ?? null,
    shadowDecision: shadow ? policyActionOf(shadow.decision) : null,
    shadowRuleId: shadow?.ruleId ?? null,
  };
}

/**
 * An error the upstream itself answered (unknown tool, invalid params…) is relayed to the
 * client as is. Connection loss and timeouts are raised locally by the SDK client: the
 * upstream failed, which the model should read as a tool error, not a protocol fault.
 */
function isRelayedProtocolError(error: unknown): boolean {
  return (
    error instanceof McpError &&
    error.code !== SdkErrorCode.ConnectionClosed &&
    error.code !== SdkErrorCode.RequestTimeout
  );
}
