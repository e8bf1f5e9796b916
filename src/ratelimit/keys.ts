import type { RateLimitScope } from "../policy/types.js";

export interface RateLimitKeyOptions {
  readonly ruleId: string;
  readonly per: RateLimitScope;
  readonly agentId: string;
  readonly sessionId: string | undefined;
  readonly upstream: string;
}

/**
 * Escapes every character outside `[A-Za-z0-9._~-]` as `%` plus four hex digits of its
 * UTF-16 code unit. Fixed width keeps the encoding injective (so `a:b` + `c` and `a` +
 * `b:c` never meet), no `:` survives to fake a separator, no `{`/`}` forms a Redis
 * Cluster hash tag, and unlike encodeURIComponent it never throws on lone surrogates.
 */
export function encodeKeyPart(part: string): string {
  return part.replace(/[^A-Za-z0-9._~-]/g, (char) => `%${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * The Redis key (without the deployment's key prefix) of the budget a call draws from.
 * A budget belongs to a rule, so a rule matching several upstreams shares one budget
 * across them for `agent` and `global`. A session lives on one upstream endpoint, so
 * session keys carry the upstream too, keeping them unique even if two endpoints
 * issued the same session id.
 *
 * `per: session` without a session id (a stateless client, or a transport without
 * sessions) falls back to the agent's budget: the call must still be counted, and a
 * shared per-call key would let one agent exhaust everyone's budget while a fresh key
 * per call would count nothing.
 */
export function rateLimitKey(options: RateLimitKeyOptions): string {
  const rule = `rl:${encodeKeyPart(options.ruleId)}`;
  if (options.per === "global") return `${rule}:global`;
  if (options.per === "session" && options.sessionId) {
    return `${rule}:session:${encodeKeyPart(options.upstream)}:${encodeKeyPart(options.sessionId)}`;
  }
  return `${rule}:agent:${encodeKeyPart(options.agentId)}`;
}
