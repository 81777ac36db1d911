-- wrk script: POST /api/v4/check, the sample sale of FISCAL.md with a fresh
-- ExternalCheckNumber on every request (so each registers a receipt, not
-- an error 14). Usage: wrk -s kassa_check.lua URL  with KEY and TOKEN in
-- the environment.
local counter = 0
local key = os.getenv("KEY")
local token = os.getenv("TOKEN")
local prefix = "B" .. tostring(os.time()) .. "-" .. tostring(math.random(1000000))

local threads = {}

function setup(thread)
  thread:set("tid", tostring(math.random(1000000000)))
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  local ecn = prefix .. "-" .. tid .. "-" .. counter
  local body = '{"Token":"' .. token .. '","CashboxUniqueNumber":"SWK00000001","OperationType":2,' ..
    '"Positions":[{"Count":2,"Price":549.9,"TaxPercent":16,"Tax":151.7,"TaxType":100,' ..
    '"PositionName":"Молоко 2,5% 1 л","PositionCode":"GR-0001","Discount":0,"Markup":0,' ..
    '"SectionCode":"1","UnitCode":796,"PositionType":0,"GTIN":"4870000001002"}],' ..
    '"Payments":[{"Sum":600,"PaymentType":0},{"Sum":500,"PaymentType":4}],"Change":0.2,' ..
    '"RoundType":2,"ExternalCheckNumber":"' .. ecn .. '","ExternalOrderNumber":"T01-bench"}'
  return wrk.format("POST", wrk.path, {
    ["x-api-key"] = key,
    ["Content-Type"] = "application/json",
  }, body)
end

-- a refusal is HTTP 200 too: count the answers that are no {"Data": ...}
refused = 0
function response(status, headers, body)
  if string.sub(body, 1, 8) ~= '{"Data":' then
    refused = refused + 1
  end
end

function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do
    n = n + t:get("refused")
  end
  io.write(string.format("refused %d\n", n))
end
