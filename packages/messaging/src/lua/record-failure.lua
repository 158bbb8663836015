-- Records a replication's permanent failure; the state becomes failed unless the experiment completed
-- meanwhile. Writes nothing for an unknown experiment (-1: a stray job must not create keys), nor when
-- the replication's result is in (-2: the replication succeeded; what failed came after, and the
-- metrics sweep finishes the report). An experiment that becomes failed has its keys expire after the
-- retention period, unless a resubmission clears its failures first (ExperimentStore.clearFailures);
-- a failure recorded against one that has ended already expires with its other keys.
-- KEYS: meta, errors, events, results, spec, report. ARGV: job id, reason, event JSON, result field
-- ('' when the job id names no replication), retention in seconds (0: no expiry).
-- Returns 1 when the failure is new, 0 when it replaced one, or -1 / -2.
-- @include includes/retention.lua
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if ARGV[4] ~= '' and redis.call('HEXISTS', KEYS[4], ARGV[4]) == 1 then return -2 end
local added = redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
if redis.call('HGET', KEYS[1], 'state') == 'running' then
  redis.call('HSET', KEYS[1], 'state', 'failed')
  expireAll({ KEYS[5], KEYS[1], KEYS[4], KEYS[2], KEYS[6] }, tonumber(ARGV[5]))
else
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
end
redis.call('PUBLISH', KEYS[3], ARGV[3])
return added
