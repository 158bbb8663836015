-- Restarts the retention period of a completed experiment (it was submitted again, so whoever
-- submitted it may read its results and report for another period). Nothing for an experiment that
-- is not completed: a failed or cancelled one submitted again runs again, and resume-experiment.lua or
-- ExperimentStore.clearFailures takes its expiry off.
-- KEYS: meta, spec, results, errors, report. ARGV: retention in seconds (0: no expiry).
-- Returns 1 when the period was restarted (or removed), 0 otherwise.
-- @include includes/retention.lua
if redis.call('HGET', KEYS[1], 'state') ~= 'completed' then return 0 end
local retention = tonumber(ARGV[1])
if retention > 0 then expireAll(KEYS, retention) else persistAll(KEYS) end
return 1
