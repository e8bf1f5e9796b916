import { randomUUID } from "node:crypto";
import { CallToolResultSchema, McpError, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { Logger } from "pino";
import { describeError, ErrorCode, isGatewayError } from "../errors.js";
import { decide, type CompiledPolicy } from "../policy/index.js";
import type { Decision, RateLimitSpec } from "../policy/types.js";
import { rateLimitKey } from "../ratelimit/index.js";
import type { RateLimitOutcome } from "../ratelimit/index.js";
import type { DecisionRecord } from "../store/index.js";
import type { UpstreamConnection } from "../upstream/index.js";
import { deniedResult, rateLimitedResult, unavailableResult, upstreamErrorResult } from "./tool-results.js";

/** What the gate needs of the rate limiter, the decision log and the upstreams. */
export interface CallGateDependencies {
  readonly policy: () => CompiledPolicy;
  readonly rateLimiter: { consume(key: string, spec: RateLimitSpec): Promise<RateLimitOutcome> };
  readonly decisionLog: { record(entry: DecisionRecord): void; readonly accepting: boolean };
  readonly upstream: (name: string) => UpstreamConnection | undefined;
  readonly logger: Logger;
  /** Longest an upstream call may run; progress notifications reset the clock. */
  readonly upstreamTimeoutMs: number;
}

/** One intercepted `tools/call`, with what is needed to answer the waiting client. */
export interface ToolCallRequest {
  readonly requestId: string;
  readonly upstream: string;
  readonly tool: string;
  readonly args: Record<string, unknown>;
  readonly agentId: string;
  readonly sessionId: string | undefined;
  readonly signal: AbortSignal;
  /** Relays upstream progress to the client; absent when the client sent no progress token. */
  readonly sendProgress?: (progress: { progress: number; total?: number; message?: string }) => Promise<void>;
}

type Verdict = { decision: DecisionRecord["decision"]; reason: string | null; result?: CallToolResult };

/**
 * Decides and, when allowed, forwards one `tools/call`. Every path ends in exactly one
 * decision record, and every refusal is a `CallToolResult` the model can read, never a
 * protocol error or a hang.
 */
export class CallGate {
  constructor(private readonly deps: CallGateDependencies) {}

  async handle(call: ToolCallRequest): Promise<CallToolResult> {
    const startedAt = performance.now();
    const decision = decide(this.deps.policy(), call);
    const verdict = await this.screen(call, decision);
    if (verdict.result) {
      this.record(call, decision, verdict, startedAt, null, null);
      return verdict.result;
    }
    const upstreamStartedAt = performance.now();
    try {
      const { result, outcome } = await this.forward(call);
      this.record(call, decision, verdict, startedAt, outcome, performance.now() - upstreamStartedAt);
      return result;
    } catch (error) {
      // A protocol error relayed from the upstream, or the client cancelled: still one record.
      this.record(call, decision, verdict, startedAt, "error", performance.now() - upstreamStartedAt);
      throw error;
    }
  }

  /** Everything that may stop the call before it reaches the upstream. */
  private async screen(call: ToolCallRequest, decision: Decision): Promise<Verdict> {
    if (decision.action === "deny") {
      return { decision: "deny", reason: decision.reason, result: deniedResult(decision.rule, decision.reason) };
    }
    if (decision.action === "require_approval") {
      const reason = "approval is required but no approval channel is running";
      return { decision: "unavailable", reason, result: unavailableResult(reason, decision.rule) };
    }
    if (!this.deps.decisionLog.accepting) {
      const reason = "the decision log cannot be written (database unavailable)";
      return { decision: "unavailable", reason, result: unavailableResult(reason, decision.rule) };
    }
    if (decision.rateLimit) return this.applyRateLimit(call, decision, decision.rateLimit);
    return { decision: "allow", reason: null };
  }

  private async applyRateLimit(call: ToolCallRequest, decision: Decision, spec: RateLimitSpec): Promise<Verdict> {
    const key = rateLimitKey({
      ruleId: decision.rule?.id ?? "default",
      per: spec.per,
      agentId: call.agentId,
      sessionId: call.sessionId,
      upstream: call.upstream,
    });
    try {
      const outcome = await this.deps.rateLimiter.consume(key, spec);
      if (outcome.allowed) return { decision: "allow", reason: null };
      const reason = `rate limit of ${spec.max} per ${spec.windowMs} ms per ${spec.per} reached`;
      return {
        decision: "rate_limited",
        reason,
        result: rateLimitedResult(decision.rule, spec, outcome.retryAfterMs),
      };
    } catch (error) {
      if (!isGatewayError(error) || error.code !== ErrorCode.RedisUnavailable) throw error;
      const reason = "the rate limiter is unavailable (Redis unreachable)";
      return { decision: "unavailable", reason, result: unavailableResult(reason, decision.rule) };
    }
  }

  private async forward(call: ToolCallRequest): Promise<{ result: CallToolResult; outcome: "ok" | "error" }> {
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
      return { result: result as CallToolResult, outcome: result.isError ? "error" : "ok" };
    } catch (error) {
      if (error instanceof McpError || call.signal.aborted) throw error;
      this.deps.logger.warn({ upstream: call.upstream, err: describeError(error) }, "upstream call failed");
      return { result: upstreamErrorResult(call.upstream, describeError(error)), outcome: "error" };
    }
  }

  private record(
    call: ToolCallRequest,
    decision: Decision,
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
      decision: verdict.decision,
      ruleId: decision.rule?.id ?? null,
      reason: verdict.reason,
      outcome,
      latencyMs: Math.round(performance.now() - startedAt),
      upstreamLatencyMs: upstreamLatencyMs === null ? null : Math.round(upstreamLatencyMs),
    };
    try {
      this.deps.decisionLog.record(entry);
    } catch (error) {
      // The call already ran or was refused; the backlog guard stops the next ones.
      this.deps.logger.error({ err: describeError(error), requestId: call.requestId }, "decision not recorded");
    }
  }
}
