-- POST /send of the mail service (or the broker's /handle with action mail, given "handle"):
--   wrk -t1 -c64 -d8s --latency -s bench/wrk/mail_send.lua http://127.0.0.1:8084/send
--   wrk -t1 -c64 -d8s --latency -s bench/wrk/mail_send.lua http://127.0.0.1:8080/handle -- handle
-- done() prints "RESULT non2xx=N" (wrk's own summary counts only socket errors and 4xx/5xx).
local mail = '{"from":"me@example.com","to":"you@there.com","subject":"bench","message":"mail chain"}'

local threads = {}
function setup(thread) table.insert(threads, thread) end

function init(args)
  wrk.method = "POST"
  wrk.body = args[1] == "handle" and ('{"action":"mail","mail":' .. mail .. '}') or mail
  wrk.headers["Content-Type"] = "application/json"
  non2xx = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end

function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + t:get("non2xx") end
  io.write(string.format("RESULT non2xx=%d\n", n))
end
