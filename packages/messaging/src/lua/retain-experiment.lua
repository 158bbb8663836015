-- Restarts the retention period of a completed experiment (it was submitted again, so whoever
-- submitted it may read its results and report for another period). Nothing for an experiment that
-- is not completed: only completed experiments expire.
-- KEYS: meta, spec, results, errors, report. ARGV: retention in seconds (0: no expiry).
-- Returns 1 when the period was restarted (or removed), 0 otherwise.
-- @include includes/retention.lua
if redis.call('HGET', KEYS[1], 'state') ~= 'completed' then return 0 end
local retention = tonumber(ARGV[1])
if retention > 0 then expireAll({ KEYS[2], KEYS[1], KEYS[3], KEYS[4], KEYS[5] }, retention) else persistAll({ KEYS[2], KEYS[1], KEYS[3], KEYS[4], KEYS[5] }) end
return 1
