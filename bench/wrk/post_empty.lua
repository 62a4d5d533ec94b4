-- POST with an empty JSON body (the broker's "Hit the broker" route).
wrk.method = "POST"
wrk.body = ""
wrk.headers["Content-Type"] = "application/json"
