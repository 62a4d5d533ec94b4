package e2e

import (
	"fmt"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// hangLimit is how long a downstream failure may take to be answered: five times the broker's
// deadline (5 s), below the test client's own 30 s. It is a check that nothing hangs, not a
// benchmark, and must hold on a loaded machine.
const hangLimit = 25 * time.Second

// expectDownstreamFailure checks an answer to a call whose downstream is down or silent:
// 503 "<svc> service unavailable" (with Retry-After) or 504 "<svc> service timed out", in time.
func expectDownstreamFailure(t testing.TB, what string, r reply, svc string) {
	t.Helper()
	switch r.Status {
	case http.StatusServiceUnavailable:
		expect(t, what, r, 503, svc+" service unavailable")
		if r.Header.Get("Retry-After") == "" {
			t.Errorf("%s: 503 without Retry-After", what)
		}
	case http.StatusGatewayTimeout:
		expect(t, what, r, 504, svc+" service timed out")
	default:
		t.Errorf("%s: %s, want 503 or 504", what, r)
	}
	if r.Elapsed >= hangLimit {
		t.Errorf("%s: answered after %v, want within %v", what, r.Elapsed, hangLimit)
	}
}

// With the logger stopped the broker answers log calls at once with 503/504 (never hangs),
// logins still succeed, and once the logger is back the broker logs again by itself.
func TestLoggerStopped(t *testing.T) {
	needSystem(t)
	needService(t, "logger")
	transports := []struct{ name, answer string }{
		{"rpc", "Processed payload via RPC:"},
		{"http", "logged"},
		{"grpc", "logged"},
	}
	start := stopService(t, "logger")

	for _, tr := range transports {
		for i := 0; i < 8; i++ { // enough to open each worker's circuit breaker on the way
			r := send(t, freshClient, http.MethodPost, brokerURL+"/handle", logPayload(tr.name, runID("e2e-down"), "x"), nil)
			expectDownstreamFailure(t, fmt.Sprintf("log via %s with the logger stopped (#%d)", tr.name, i), r, "logger")
		}
	}
	// A login does not depend on its log entry.
	r := handleBusy(t, authPayload(adminEmail, adminPassword))
	expect(t, "auth with the logger stopped", r, 202, "Authenticated!")
	if r.Elapsed >= hangLimit {
		t.Errorf("auth with the logger stopped took %v", r.Elapsed)
	}

	start()
	for _, tr := range transports {
		name := runID("e2e-back-" + tr.name)
		want := tr.answer
		if tr.name == "rpc" {
			want += name
		}
		// Every worker's breaker closes again: several consecutive successes over fresh
		// connections (spread over the workers), within a generous deadline.
		ok := 0
		eventually(t, "log via "+tr.name+" after the logger started again", 30*time.Second, 100*time.Millisecond,
			func() (bool, string) {
				r := send(t, freshClient, http.MethodPost, brokerURL+"/handle", logPayload(tr.name, name, "back"), nil)
				if r.Status == 202 && r.Env.Message == want {
					ok++
				} else {
					ok = 0
				}
				return ok >= 10, r.String()
			})
		if got := logsNamed(t, name, 1000); len(got) < 10 {
			t.Errorf("%d entries named %q after the logger came back, want at least 10", len(got), name)
		}
	}
}

// blackHole accepts connections and never answers (a hung downstream); it returns its address.
func blackHole(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return ln.Addr().String()
}

// A logger that accepts and never answers: our own broker (DOWNSTREAM_TIMEOUT 1s) answers 504
// "logger service timed out" instead of waiting, over RPC, HTTP and gRPC.
func TestLoggerHangs(t *testing.T) {
	needSystem(t)
	hole := blackHole(t)
	broker := startBroker(t, "LOGGER_RPC_ADDR="+hole, "LOGGER_URL=http://"+hole, "LOGGER_GRPC_ADDR="+hole,
		"DOWNSTREAM_TIMEOUT=1s")
	for _, tr := range []string{"rpc", "http", "grpc"} {
		r := send(t, client, http.MethodPost, broker+"/handle", logPayload(tr, runID("e2e-hang"), "x"), nil)
		if r.Status != http.StatusGatewayTimeout {
			t.Errorf("log via %s to a silent logger: %s, want 504", tr, r)
		}
		expectDownstreamFailure(t, "log via "+tr+" to a silent logger", r, "logger")
	}
}
