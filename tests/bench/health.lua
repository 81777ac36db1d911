-- wrk script: GET /health with the contract's headers.
local key = os.getenv("KEY")
local merchant = os.getenv("MERCHANT")
wrk.headers["Authorization"] = "Bearer " .. key
wrk.headers["X-Merchant-ID"] = merchant
