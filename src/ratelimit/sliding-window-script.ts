import { createHash } from "node:crypto";

/**
 * One atomic step of the sliding-window log. KEYS[1]: sorted set of admitted calls
 * (score = admission time in ms); KEYS[2]: sequence that makes members unique.
 * ARGV: max, windowMs. Returns {1, remaining} or {0, retryAfterMs}.
 *
 * Time comes from the Redis server, never from a replica, so replicas with skewed
 * clocks share one timeline. Calling TIME before writes is allowed because scripts
 * replicate their effects (the default since Redis 5, the only mode since 7).
 * A call at time t counts while now - windowMs < t, so at most `max` calls are
 * admitted in any window of windowMs, whichever replica asks.
 */
export const slidingWindowScript = `
local log = KEYS[1]
local sequence = KEYS[2]
local max = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', log, '-inf', now - window)
local count = redis.call('ZCARD', log)
if count < max then
  local id = redis.call('INCR', sequence)
  redis.call('ZADD', log, now, now .. '-' .. id)
  redis.call('PEXPIRE', log, window)
  redis.call('PEXPIRE', sequence, window)
  return {1, max - count - 1}
end
-- A slot frees when the entry at rank (count - max) leaves the window; with more entries
-- than max (a lowered limit) earlier ones must go first.
local freeing = redis.call('ZRANGE', log, count - max, count - max, 'WITHSCORES')
local retry = window
if freeing[2] then retry = tonumber(freeing[2]) + window - now end
if retry < 1 then retry = 1 end
return {0, retry}
`;

export const slidingWindowScriptSha = createHash("sha1").update(slidingWindowScript).digest("hex");
