/**
 * The Lua scripts that make each step of the shared state atomic in Redis. Times come from Redis
 * (`TIME`), so app instances whose clocks differ still share one timeline.
 *
 * @internal
 */

/**
 * Reserves a send in a sliding-window log (a sorted set of send times), like `slidingWindow.ts`:
 * the earliest time at or after now, and after the last reserved send, at which the `limit`-th
 * most recent send is a window old.
 * KEYS: the log, its sequence counter. ARGV: limit, window (ms), most wait (ms).
 * Returns `{ wait ms, 1 if reserved else 0 }`.
 */
export const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local slot = now
local count = redis.call('ZCARD', KEYS[1])
if count > 0 then
  slot = math.max(slot, tonumber(redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')[2]))
end
if count >= limit then
  slot = math.max(slot, tonumber(redis.call('ZRANGE', KEYS[1], -limit, -limit, 'WITHSCORES')[2]) + window)
end
local wait = slot - now
if wait > tonumber(ARGV[3]) then return { wait, 0 } end
redis.call('ZADD', KEYS[1], slot, redis.call('INCR', KEYS[2]))
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(limit + 1))
redis.call('PEXPIRE', KEYS[1], wait + window + 1000)
redis.call('PEXPIRE', KEYS[2], wait + window + 1000)
return { wait, 1 }
`;

/** Holds sends for ARGV[1] ms unless a longer hold is in place. KEYS: the hold. */
export const HOLD = `
local ms = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ms then redis.call('SET', KEYS[1], '1', 'PX', ms) end
return 1
`;

/**
 * Keeps a token unless the user's tokens were dropped since the issue began.
 * KEYS: the token, the user's index of tokens, the user's drop count.
 * ARGV: the sealed token, its time to live (ms), the drop count when the issue began.
 * Returns 1 when kept.
 */
export const KEEP_TOKEN = `
if (redis.call('GET', KEYS[3]) or '0') ~= ARGV[3] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[2], KEYS[1])
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
return 1
`;

/**
 * Drops every token of a user and counts the drop, so that an issue in flight keeps nothing.
 * KEYS: the user's index of tokens, the user's drop count. ARGV: how long to remember the count (ms).
 */
export const FORGET_USER = `
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
for _, key in ipairs(redis.call('SMEMBERS', KEYS[1])) do redis.call('DEL', key) end
redis.call('DEL', KEYS[1])
return 1
`;

/** Releases a lock if this owner still holds it, and announces the token. KEYS: the lock. ARGV: owner, channel, token key. */
export const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
`;
