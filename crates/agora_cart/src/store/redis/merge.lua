-- Moves a visitor's lines into a buyer's cart and deletes the visitor's, in one step.
-- KEYS[1]: the visitor's hash, KEYS[2]: the buyer's. ARGV: [1] the most units per line, [2] the most lines,
-- [3] the buyer's cart lifetime (ms), [4] now (for a new cart's `meta` field).
-- Answers 0 when there was no visitor's cart (nothing changed), 1 otherwise.
local from, into = KEYS[1], KEYS[2]
if redis.call('EXISTS', from) == 0 then
  return 0
end
local guest = redis.call('HGETALL', from)
local fields = {}
for i = 1, #guest, 2 do
  fields[guest[i]] = guest[i + 1]
end
local lines = 0
for _, name in ipairs(redis.call('HKEYS', into)) do
  if string.sub(name, 1, 2) == 'q:' then
    lines = lines + 1
  end
end
local most = tonumber(ARGV[1])
for name, value in pairs(fields) do
  if string.sub(name, 1, 2) == 'q:' then
    local details = fields['l:' .. string.sub(name, 3)]
    local current = redis.call('HGET', into, name)
    if current then
      redis.call('HSET', into, name, math.min(tonumber(current) + tonumber(value), most))
    elseif details and lines < tonumber(ARGV[2]) then
      redis.call('HSET', into, name, math.min(tonumber(value), most), 'l:' .. string.sub(name, 3), details)
      lines = lines + 1
    end
  end
end
redis.call('DEL', from)
redis.call('HSETNX', into, 'meta', ARGV[4])
redis.call('PEXPIRE', into, ARGV[3])
return 1
