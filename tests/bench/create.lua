-- wrk script: POST /payment/orders with a fresh merchant_order_id on every
-- request (so each is a real create, not an idempotent replay).
-- Usage: wrk -s create.lua URL  with KEY and MERCHANT in the environment.
local counter = 0
local key = os.getenv("KEY")
local merchant = os.getenv("MERCHANT")
local prefix = "B" .. tostring(os.time()) .. "-" .. tostring(math.random(1000000))

function setup(thread)
  thread:set("tid", tostring(math.random(1000000000)))
end

function request()
  counter = counter + 1
  local id = prefix .. "-" .. tid .. "-" .. counter
  local body = '{"merchant_order_id":"' .. id .. '","amount":150000,' ..
    '"description":"bench","payment_method":"qr","products":[' ..
    '{"name":"Bench item","quantity":1,"price":150000,"tax_rate":16}]}'
  return wrk.format("POST", wrk.path, {
    ["Authorization"] = "Bearer " .. key,
    ["X-Merchant-ID"] = merchant,
    ["Content-Type"] = "application/json",
    ["X-Idempotency-Key"] = id,
  }, body)
end
