-- Removes an experiment from the `experiments` index once its metadata is gone (it expired after its
-- retention period, or was removed), in one step, so that an experiment created again at the same
-- moment keeps its entry.
-- KEYS: meta, experiments. ARGV: experiment id. Returns 1 when the entry was removed, 0 otherwise.
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
return redis.call('ZREM', KEYS[2], ARGV[1])
