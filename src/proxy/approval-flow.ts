import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { ApprovalRequest, ApprovalService } from "../approvals/index.js";
import type { ApprovalSpec, RuleRef } from "../policy/types.js";
import type { ToolCallRequest } from "./call-gate.js";
import {
  approvalClosedResult,
  approvalExpiredResult,
  approvalPendingResult,
  approvalRejectedResult,
} from "./tool-results.js";

export interface ApprovalFlowOptions {
  readonly approvals: ApprovalService;
  /** How long a call is held before it answers "approval pending, call again". */
  readonly holdMs: number;
  readonly progressEveryMs: number;
}

/** Either the approved call may run now, or the gateway answers the agent itself. */
export type ApprovalVerdict =
  | { readonly kind: "forward"; readonly request: ApprovalRequest; readonly waitedMs: number }
  | {
      readonly kind: "answer";
      readonly request: ApprovalRequest;
      readonly status: "pending" | "denied" | "expired" | "cancelled";
      readonly result: CallToolResult;
      readonly waitedMs: number;
    };

/**
 * Holds one call until its approval is decided: opens (or re-attaches to) the request,
 * waits with progress notifications, then claims delivery so that the approved call runs
 * exactly once, whether the held call or a later retry collects it.
 */
export class ApprovalFlow {
  constructor(private readonly options: ApprovalFlowOptions) {}

  async run(call: ToolCallRequest, rule: RuleRef, spec: ApprovalSpec): Promise<ApprovalVerdict> {
    const startedAt = Date.now();
    const { approvals } = this.options;
    const request = await approvals.open(call, rule, spec);
    const waited = (): number => Date.now() - startedAt;
    let decided = request;
    if (request.status === "pending") {
      const outcome = await approvals.waitForDecision(request.id, {
        holdMs: this.options.holdMs,
        signal: call.signal,
        progressEveryMs: this.options.progressEveryMs,
        onProgress: call.sendProgress
          ? (elapsedMs) =>
              void call
                .sendProgress?.({
                  progress: elapsedMs,
                  message: `Waiting for human approval (request ${request.id})`,
                })
                .catch(() => undefined)
          : undefined,
      });
      if (outcome.kind === "aborted") {
        await approvals.cancel(request.id, "the agent cancelled the call");
        return this.answer(
          request,
          "cancelled",
          approvalClosedResult(rule, request.id, "the call was cancelled"),
          waited(),
        );
      }
      if (outcome.kind === "hold_elapsed") {
        return this.answer(
          request,
          "pending",
          approvalPendingResult(rule, request.id, request.expiresAt),
          waited(),
        );
      }
      decided = outcome.request;
    }
    return this.collect(decided, rule, spec, waited());
  }

  private async collect(
    request: ApprovalRequest,
    rule: RuleRef,
    spec: ApprovalSpec,
    waitedMs: number,
  ): Promise<ApprovalVerdict> {
    if (request.status === "cancelled") {
      const why = request.decisionReason ?? "it was cancelled";
      return this.answer(request, "cancelled", approvalClosedResult(rule, request.id, why), waitedMs);
    }
    const claimed = await this.options.approvals.claimDelivery(request.id);
    if (!claimed) {
      const why = "its decision was already collected by another call; call again to ask anew";
      return this.answer(request, "cancelled", approvalClosedResult(rule, request.id, why), waitedMs);
    }
    if (claimed.status === "approved") return { kind: "forward", request: claimed, waitedMs };
    if (claimed.status === "denied") {
      const result = approvalRejectedResult(
        rule,
        claimed.id,
        claimed.decidedBy ?? "a reviewer",
        claimed.decisionReason,
      );
      return this.answer(claimed, "denied", result, waitedMs);
    }
    return this.answer(claimed, "expired", approvalExpiredResult(rule, claimed.id, spec.timeoutMs), waitedMs);
  }

  private answer(
    request: ApprovalRequest,
    status: "pending" | "denied" | "expired" | "cancelled",
    result: CallToolResult,
    waitedMs: number,
  ): ApprovalVerdict {
    return { kind: "answer", request, status, result, waitedMs };
  }
}
