-- Puts a cancelled experiment back to running (a resubmission; its delivered results are kept), and
-- takes the expiry the cancel gave its keys off again: a running experiment does not expire.
-- KEYS: meta, events, spec, results, errors, report. ARGV: event JSON. Returns 1 if it was cancelled,
-- 0 otherwise.
-- @include includes/retention.lua
if redis.call('HGET', KEYS[1], 'state') ~= 'cancelled' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'running')
redis.call('HDEL', KEYS[1], 'cancelledAt')
persistAll({ KEYS[3], KEYS[1], KEYS[4], KEYS[5], KEYS[6] })
redis.call('PUBLISH', KEYS[2], ARGV[1])
return 1
