-- Replaces the saved details of lines still in a cart.
-- KEYS[1]: the cart's hash. ARGV: [1] lifetime (ms), then pairs of product id and details (JSON).
-- Answers 0 when there is no cart, 1 otherwise.
local cart = KEYS[1]
if redis.call('EXISTS', cart) == 0 then
  return 0
end
for i = 2, #ARGV, 2 do
  if redis.call('HEXISTS', cart, 'q:' .. ARGV[i]) == 1 then
    redis.call('HSET', cart, 'l:' .. ARGV[i], ARGV[i + 1])
  end
end
redis.call('PEXPIRE', cart, ARGV[1])
return 1
