-- POST with the small JSON body scripts/bench sends with loadgen too (scenario 1).
wrk.method = "POST"
wrk.body = '{"name":"bench","data":"hit"}'
wrk.headers["Content-Type"] = "application/json"
