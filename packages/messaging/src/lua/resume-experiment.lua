-- Puts a cancelled experiment back to running (a resubmission; its delivered results are kept), and
-- takes the expiry the cancel gave its keys off again: a running experiment does not expire.
-- KEYS: meta, events, spec, results, errors, report. ARGV: event JSON. Returns 1 if it was cancelled,
-- 0 otherwise.
if redis.call('HGET', KEYS[1], 'state') ~= 'cancelled' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'running')
redis.call('HDEL', KEYS[1], 'cancelledAt')
for i = 1, 6 do
  if i ~= 2 then redis.call('PERSIST', KEYS[i]) end
end
redis.call('PUBLISH', KEYS[2], ARGV[1])
return 1
