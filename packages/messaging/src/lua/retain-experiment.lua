-- Restarts the retention period of a completed experiment (it was submitted again, so whoever
-- submitted it may read its results and report for another period). Nothing for an experiment that
-- is not completed: only completed experiments expire.
-- KEYS: meta, spec, results, errors, report. ARGV: retention in seconds (0: no expiry).
-- Returns 1 when the period was restarted (or removed), 0 otherwise.
if redis.call('HGET', KEYS[1], 'state') ~= 'completed' then return 0 end
local retention = tonumber(ARGV[1])
for i = 1, 5 do
  if retention > 0 then redis.call('EXPIRE', KEYS[i], retention) else redis.call('PERSIST', KEYS[i]) end
end
return 1
