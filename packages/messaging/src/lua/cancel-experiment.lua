-- Cancels an experiment unless it completed: state cancelled, cancelledAt, and the cancel event, in one
-- step, so a report being finished meanwhile either completed first (then this refuses) or finds the
-- experiment cancelled (complete-experiment.lua refuses). The experiment's keys then expire after the
-- retention period, unless a resubmission resumes it first (resume-experiment.lua).
-- KEYS: meta, events, spec, results, errors, report. ARGV: time (ISO), event JSON, retention in
-- seconds (0: no expiry).
-- Returns 'cancelled', 'already-cancelled', 'completed' or 'unknown-experiment'.
-- @include includes/retention.lua
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return 'unknown-experiment' end
if state == 'completed' then return 'completed' end
if state == 'cancelled' then return 'already-cancelled' end
redis.call('HSET', KEYS[1], 'state', 'cancelled', 'cancelledAt', ARGV[1])
redis.call('PUBLISH', KEYS[2], ARGV[2])
expireAll({ KEYS[3], KEYS[1], KEYS[4], KEYS[5], KEYS[6] }, tonumber(ARGV[3]))
return 'cancelled'
