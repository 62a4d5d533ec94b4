-- One broker action under closed-loop load, counting the answers by status.
--   wrk -t2 -c256 -d10s -s bench/wrk/broker_action.lua http://127.0.0.1:8080/handle -- ACTION
-- ACTION: hit (POST / with an empty body: give the URL of /), log-rpc, log-amqp, mail, auth.
-- done() prints one line for bench/system_load.sh:
--   RESULT requests=.. duration_us=.. p50_us=.. p99_us=.. responses=.. non2xx=.. s503=..
--          connect=.. read=.. write=.. timeout=..
-- (response() makes wrk keep each reply's headers and body: a little slower, same for all.)

local bodies = {
  ["hit"] = "",
  ["log-rpc"] = '{"action":"log","log":{"name":"bench","data":"system load"}}',
  ["log-amqp"] = '{"action":"log","transport":"amqp","log":{"name":"bench","data":"system load"}}',
  ["mail"] = '{"action":"mail","mail":{"from":"me@example.com","to":"you@there.com",'
    .. '"subject":"bench","message":"system load"}}',
  ["auth"] = '{"action":"auth","auth":{"email":"admin@example.com","password":"verysecret"}}',
}

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local action = args[1] or "hit"
  local body = bodies[action]
  if body == nil then
    error("unknown action " .. action)
  end
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
  responses, non2xx, s503 = 0, 0, 0
end

function response(status, headers, body)
  responses = responses + 1
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if status == 503 then
      s503 = s503 + 1
    end
  end
end

function done(summary, latency, requests)
  local n, bad, busy = 0, 0, 0
  for _, t in ipairs(threads) do
    n = n + t:get("responses")
    bad = bad + t:get("non2xx")
    busy = busy + t:get("s503")
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d responses=%d non2xx=%d s503=%d "
      .. "connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    n, bad, busy, e.connect, e.read, e.write, e.timeout))
end
