package e2e

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"microservices/interop/gologger"
)

// burstEachOnce sends n logs at once through broker's /handle over transport (named
// name-0 .. name-(n-1), data "0" .. "n-1"), expects each to be answered 202 with want(i), then
// checks that the Go peer received each exactly once and nothing else: received is what it got
// after the calls that came before the burst.
func burstEachOnce(t *testing.T, broker, transport, name string, n int, want func(i int) string,
	received func() []gologger.RPCPayload) {
	t.Helper()
	var wg sync.WaitGroup
	replies := make([]reply, n)
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			replies[i], errs[i] = do(freshClient, http.MethodPost, broker+"/handle",
				logPayload(transport, fmt.Sprintf("%s-%d", name, i), fmt.Sprint(i)), nil)
		}(i)
	}
	wg.Wait()
	for i, r := range replies {
		if errs[i] != nil {
			t.Errorf("log %d: %v", i, errs[i])
			continue
		}
		expect(t, fmt.Sprintf("log %d", i), r, 202, want(i))
	}
	count := map[gologger.RPCPayload]int{}
	for _, p := range received() {
		count[p]++
	}
	for i := 0; i < n; i++ {
		p := gologger.RPCPayload{Name: fmt.Sprintf("%s-%d", name, i), Data: fmt.Sprint(i)}
		if count[p] != 1 {
			t.Errorf("the Go logger received %+v %d times, want once", p, count[p])
		}
		delete(count, p)
	}
	for p, c := range count {
		t.Errorf("the Go logger received an unexpected %+v (%d times)", p, c)
	}
}
