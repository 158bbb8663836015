-- Marks an experiment completed once: stores the report, sets state and completedAt and publishes the
-- completion event, only if it was not completed already; then every key of the experiment expires
-- after the retention period (its results are the bulk: without an end, Redis fills up).
-- KEYS: meta, report, events, spec, results, errors. ARGV: report JSON, completedAt, report directory,
-- event JSON, retention in seconds (0: no expiry).
-- Returns 1 the first time, 0 after, -1 when the experiment was cancelled (a cancel that came while
-- the report was built wins: nothing stored).
-- @include includes/retention.lua
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'completed' then return 0 end
if state == 'cancelled' then return -1 end
redis.call('SET', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[1], 'state', 'completed', 'completedAt', ARGV[2], 'reportDir', ARGV[3])
redis.call('PUBLISH', KEYS[3], ARGV[4])
expireAll({ KEYS[4], KEYS[1], KEYS[5], KEYS[6], KEYS[2] }, tonumber(ARGV[5]))
return 1
