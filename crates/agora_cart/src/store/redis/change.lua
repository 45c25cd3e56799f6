-- Adds to or sets one line of a cart, atomically with the cart's limits.
-- KEYS[1]: the cart's hash. ARGV: [1] product id, [2] quantity, [3] "add" or "set", [4] the most units the
-- line may hold, [5] the most lines, [6] the new line's details (JSON), [7] lifetime (ms), [8] "1" when the
-- cart must exist already (a visitor's), [9] now (for a new cart's `meta` field).
-- Answers {"ok", quantity}, {"over", units already in the cart}, {"full", 0} or {"missing", 0}.
local cart = KEYS[1]
if ARGV[8] == '1' and redis.call('EXISTS', cart) == 0 then
  return {'missing', 0}
end
local field = 'q:' .. ARGV[1]
local current = tonumber(redis.call('HGET', cart, field) or '0')
local wanted = tonumber(ARGV[2])
if ARGV[3] == 'add' then
  wanted = current + wanted
end
if wanted > tonumber(ARGV[4]) then
  return {'over', current}
end
if current == 0 then
  local lines = 0
  for _, name in ipairs(redis.call('HKEYS', cart)) do
    if string.sub(name, 1, 2) == 'q:' then
      lines = lines + 1
    end
  end
  if lines >= tonumber(ARGV[5]) then
    return {'full', 0}
  end
  redis.call('HSET', cart, 'l:' .. ARGV[1], ARGV[6])
end
redis.call('HSET', cart, field, wanted)
redis.call('HSETNX', cart, 'meta', ARGV[9])
redis.call('PEXPIRE', cart, ARGV[7])
return {'ok', wanted}
