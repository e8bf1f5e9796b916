export { encodeKeyPart, rateLimitKey, type RateLimitKeyOptions } from "./keys.js";
export {
  SlidingWindowLimiter,
  type RateLimitOutcome,
  type SlidingWindowLimiterOptions,
  type SlidingWindowSpec,
} from "./sliding-window.js";
