import { realisticPolicy } from "./realistic-policy.js";

/** Far above any rate the bench reaches, so the limiter counts every call and refuses none. */
const neverReachedMax = 1_000_000_000;

/**
 * The realistic twenty-rule policy, with the `echo` rule's limit raised out of reach: both
 * measured tools then match a rate-limit rule that is counted in Redis on every call but
 * never refuses one, so every measured call takes the full allow path.
 */
export const allowPathPolicy: Record<string, unknown> = {
  ...realisticPolicy,
  rules: (realisticPolicy.rules as Array<Record<string, unknown>>).map((rule) =>
    rule.id === "echo"
      ? { ...rule, rate_limit: { max: neverReachedMax, window: "60s", per: "agent" } }
      : rule,
  ),
};
