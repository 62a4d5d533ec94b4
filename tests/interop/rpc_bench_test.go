// RPC throughput on one connection, one call at a time and 100 in flight, gob and JSON:
// Go's net/rpc client -> Go's net/rpc server (the reference), our client -> our server, and
// the mixed pairs. Every server runs in a process of its own; the Go client runs in the test
// process, ours in rpc_test_client. Each figure is the best of RPC_BENCH_ROUNDS (default 3)
// runs of RPC_BENCH_SECONDS (default 2), the configurations taking turns, so that a burst of
// load from elsewhere on the machine does not decide a comparison.
//
//	RPC_BENCH=1 go test -run TestRPCThroughput -v    the table
//	go test -run XXX -bench RPC                      Go client -> Go server / our server
package interop

import (
	"fmt"
	"net/rpc"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// goThroughput makes calls on one Go client for d, `inflight` at a time; returns calls/s.
func goThroughput(t testing.TB, client *rpc.Client, inflight int, d time.Duration) float64 {
	var n atomic.Int64
	var failed atomic.Int64
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for k := 0; k < inflight; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var reply string
			for time.Now().Before(deadline) {
				i := n.Add(1)
				if err := client.Call("RPCServer.LogInfo", RPCPayload{Name: "n" + strconv.FormatInt(i, 10), Data: "d"}, &reply); err != nil {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if f := failed.Load(); f > 0 {
		t.Errorf("%d calls failed", f)
	}
	return float64(n.Load()) / time.Since(start).Seconds()
}

func envFloat(name string, def float64) float64 {
	if v, err := strconv.ParseFloat(os.Getenv(name), 64); err == nil && v > 0 {
		return v
	}
	return def
}

func TestRPCThroughput(t *testing.T) {
	if os.Getenv("RPC_BENCH") == "" {
		t.Skip("set RPC_BENCH=1 to measure")
	}
	seconds := envFloat("RPC_BENCH_SECONDS", 2)
	rounds := int(envFloat("RPC_BENCH_ROUNDS", 3))
	d := time.Duration(seconds * float64(time.Second))
	secs := strconv.FormatFloat(seconds, 'f', 2, 64)
	ours := startOurRPCServer(t)
	theirs := startGoRPCServerProcess(t)

	type config struct {
		pair, codec string
		inflight    int
		measure     func() float64
	}
	var configs []config
	for _, codec := range []string{"gob", "json"} {
		codec := codec
		goToGo := dialGo(t, codec, theirs)
		goToOurs := dialGo(t, codec, ours)
		for _, inflight := range []int{1, 100} {
			inflight := inflight
			ourClient := func(addr string) func() float64 {
				return func() float64 {
					_, s := runOurClient(t, addr, codec, "--seconds", secs, "--inflight", strconv.Itoa(inflight), "--quiet")
					return summaryRate(t, s)
				}
			}
			configs = append(configs,
				config{"Go client -> Go server", codec, inflight, func() float64 { return goThroughput(t, goToGo, inflight, d) }},
				config{"our client -> our server", codec, inflight, ourClient(ours)},
				config{"Go client -> our server", codec, inflight, func() float64 { return goThroughput(t, goToOurs, inflight, d) }},
				config{"our client -> Go server", codec, inflight, ourClient(theirs)},
			)
		}
	}
	best := make([]float64, len(configs))
	for r := 0; r < rounds; r++ {
		for i, c := range configs {
			if v := c.measure(); v > best[i] {
				best[i] = v
			}
		}
	}
	rate := map[string]float64{}
	for i, c := range configs {
		rate[fmt.Sprintf("%s|%s|%d", c.pair, c.codec, c.inflight)] = best[i]
	}
	out := fmt.Sprintf("\nbest of %d x %.1f s, calls/s on one connection\n%-26s %-5s %12s %14s\n", rounds, seconds,
		"pair", "codec", "1 at a time", "100 in flight")
	for _, codec := range []string{"gob", "json"} {
		for _, pair := range []string{"Go client -> Go server", "our client -> our server", "Go client -> our server", "our client -> Go server"} {
			out += fmt.Sprintf("%-26s %-5s %12.0f %14.0f\n", pair, codec,
				rate[pair+"|"+codec+"|1"], rate[pair+"|"+codec+"|100"])
		}
	}
	t.Log(out)
}

func benchmarkGo(b *testing.B, codec string, inflight int, ours bool) {
	addr := ""
	if ours {
		addr = startOurRPCServer(b)
	} else {
		addr = startGoRPCServerProcess(b)
	}
	client := dialGo(b, codec, addr)
	var n atomic.Int64
	b.ResetTimer()
	var wg sync.WaitGroup
	for k := 0; k < inflight; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var reply string
			for n.Add(1) <= int64(b.N) {
				if err := client.Call("RPCServer.LogInfo", RPCPayload{Name: "n", Data: "d"}, &reply); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
}

// Go client -> Go server (cmd/rpcgoserver).
func BenchmarkGoRPCGobSerial(b *testing.B)       { benchmarkGo(b, "gob", 1, false) }
func BenchmarkGoRPCGobInFlight100(b *testing.B)  { benchmarkGo(b, "gob", 100, false) }
func BenchmarkGoRPCJSONSerial(b *testing.B)      { benchmarkGo(b, "json", 1, false) }
func BenchmarkGoRPCJSONInFlight100(b *testing.B) { benchmarkGo(b, "json", 100, false) }

// Go client -> our server.
func BenchmarkGoClientOurServerGobSerial(b *testing.B)       { benchmarkGo(b, "gob", 1, true) }
func BenchmarkGoClientOurServerGobInFlight100(b *testing.B)  { benchmarkGo(b, "gob", 100, true) }
func BenchmarkGoClientOurServerJSONSerial(b *testing.B)      { benchmarkGo(b, "json", 1, true) }
func BenchmarkGoClientOurServerJSONInFlight100(b *testing.B) { benchmarkGo(b, "json", 100, true) }
