-- An experiment's keys (spec, meta, results, errors, report) live and expire together: once it has
-- ended they expire after the retention period (0: never), and running again they are kept.
local function expireAll(keys, seconds)
  if seconds > 0 then
    for _, key in ipairs(keys) do redis.call('EXPIRE', key, seconds) end
  end
end
local function persistAll(keys)
  for _, key in ipairs(keys) do redis.call('PERSIST', key) end
end
