-- Delivers one replication result into the experiment's results hash (HSETNX: the first delivery
-- wins, a duplicate changes nothing) and, when it was new, publishes the progress event.
-- KEYS: meta, results, events. ARGV: field, encoded result (encodeResult), experiment id as a JSON string.
-- Returns { added (1|0), results now in, total, state }; { -1, 0, 0, '' } when the experiment is
-- unknown and { -2, results in, total, 'cancelled' } when it was cancelled (nothing written: a late
-- result of a cancelled experiment is dropped).
local meta = redis.call('HMGET', KEYS[1], 'total', 'state')
if not meta[1] then return { -1, 0, 0, '' } end
if meta[2] == 'cancelled' then return { -2, redis.call('HLEN', KEYS[2]), tonumber(meta[1]), 'cancelled' } end
local added = redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2])
local n = redis.call('HLEN', KEYS[2])
if added == 1 then
  redis.call('PUBLISH', KEYS[3], '{"type":"progress","experimentId":' .. ARGV[3] .. ',"done":' .. n .. ',"total":' .. meta[1] .. '}')
end
return { added, n, tonumber(meta[1]), meta[2] or 'running' }
