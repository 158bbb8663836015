-- Puts a cancelled experiment back to running (a resubmission; its delivered results are kept).
-- KEYS: meta, events. ARGV: event JSON. Returns 1 if it was cancelled, 0 otherwise.
if redis.call('HGET', KEYS[1], 'state') ~= 'cancelled' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'running')
redis.call('HDEL', KEYS[1], 'cancelledAt')
redis.call('PUBLISH', KEYS[2], ARGV[1])
return 1
