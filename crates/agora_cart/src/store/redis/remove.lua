-- Removes lines from a cart; products not in it are ignored. An empty visitor's cart stays (its `meta`).
-- KEYS[1]: the cart's hash. ARGV: [1] lifetime (ms), [2] "all" or "some", [3..] product ids.
-- Answers 0 when there is no cart, 1 otherwise.
local cart = KEYS[1]
if redis.call('EXISTS', cart) == 0 then
  return 0
end
if ARGV[2] == 'all' then
  for _, name in ipairs(redis.call('HKEYS', cart)) do
    if name ~= 'meta' then
      redis.call('HDEL', cart, name)
    end
  end
else
  for i = 3, #ARGV do
    redis.call('HDEL', cart, 'q:' .. ARGV[i], 'l:' .. ARGV[i])
  end
end
redis.call('PEXPIRE', cart, ARGV[1])
return 1
