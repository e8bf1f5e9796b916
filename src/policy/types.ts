/** What a matching rule asks the gateway to do. `rate_limit` is an allow that is counted. */
export type PolicyAction = "allow" | "deny" | "rate_limit" | "require_approval";

/** Who shares one rate-limit budget. */
export type RateLimitScope = "session" | "agent" | "global";

export interface RateLimitSpec {
  readonly max: number;
  readonly windowMs: number;
  readonly per: RateLimitScope;
}

export interface ApprovalSpec {
  /** Slack channel id; undefined means the gateway-wide default channel. */
  readonly channel?: string;
  /** Slack user ids allowed to decide; empty means anyone who can see the request. */
  readonly approvers: readonly string[];
  readonly quorum: number;
  readonly timeoutMs: number;
  readonly onTimeout: "deny" | "approve";
  readonly requireReasonOnDeny: boolean;
}

/**
 * One argument condition. Several operators in one condition must all hold.
 * `lt`/`lte`/`gt`/`gte` compare numbers with numbers and strings with strings only.
 */
export interface ConditionSpec {
  readonly eq?: unknown;
  readonly ne?: unknown;
  readonly in?: readonly unknown[];
  readonly not_in?: readonly unknown[];
  readonly lt?: number | string;
  readonly lte?: number | string;
  readonly gt?: number | string;
  readonly gte?: number | string;
  readonly regex?: string;
  readonly exists?: boolean;
}

export interface RuleSpec {
  readonly id: string;
  /** Glob on the tool name. */
  readonly tool: string;
  /** Glob on the upstream name; every upstream when absent. */
  readonly upstream?: string;
  /** Glob on the agent id; every agent when absent. */
  readonly agent?: string;
  /**
   * Conditions by path, all of which must hold. Paths start with `args.` (the call's
   * arguments, dotted, array indexes as numbers) or are one of `agent`, `upstream`, `tool`.
   */
  readonly when?: Readonly<Record<string, ConditionSpec>>;
  readonly action: PolicyAction;
  /** Shown to the agent when the rule denies; also recorded. */
  readonly reason?: string;
  /** Drop matching tools from `tools/list` (only for `deny` rules). */
  readonly hide?: boolean;
  readonly rateLimit?: RateLimitSpec;
  readonly approval?: ApprovalSpec;
  /**
   * `shadow` records what the rule would have decided but lets the call through, so
   * operators can trial a rule before enforcing it. Defaults to the policy's mode.
   */
  readonly mode?: PolicyMode;
}

export type PolicyMode = "enforce" | "shadow";

export interface PolicySpec {
  readonly default: "allow" | "deny";
  readonly rules: readonly RuleSpec[];
  /** `shadow` puts every rule (and the default) in shadow mode. Default `enforce`. */
  readonly mode?: PolicyMode;
}

/** The facts of one `tools/call` the policy decides on. */
export interface ToolCall {
  readonly upstream: string;
  readonly tool: string;
  readonly agentId: string;
  readonly args: Readonly<Record<string, unknown>>;
}

/** The rule that made a decision; absent when the policy default decided. */
export interface RuleRef {
  readonly id: string;
  /** Position in the rule list, from 0. */
  readonly index: number;
}

export type Decision =
  | { readonly action: "allow"; readonly rule?: RuleRef; readonly rateLimit?: RateLimitSpec }
  | { readonly action: "deny"; readonly rule?: RuleRef; readonly reason: string }
  | {
      readonly action: "require_approval";
      readonly rule: RuleRef;
      readonly approval: ApprovalSpec;
      readonly rateLimit?: RateLimitSpec;
    };
