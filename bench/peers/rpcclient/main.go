// rpcclient is Go's net/rpc client under load, the reference beside loadgen's RPC mode:
// one connection, `-inflight` calls of RPCServer.LogInfo at a time for `-d`, then one JSON
// line with the calls per second and latency percentiles (microseconds).
//
//	rpcclient -addr 127.0.0.1:19501 -inflight 100 -d 5s [-codec gob|json]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/rpc"
	"net/rpc/jsonrpc"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// RPCPayload is the logger's argument, field names as the Go system has them.
type RPCPayload struct {
	Name string
	Data string
}

func main() {
	addr := flag.String("addr", "127.0.0.1:5001", "server host:port (loopback)")
	inflight := flag.Int("inflight", 1, "calls in flight on the connection")
	duration := flag.Duration("d", 5*time.Second, "how long to call")
	codec := flag.String("codec", "gob", "gob or json")
	flag.Parse()
	if !strings.HasPrefix(*addr, "127.") {
		log.Fatal("loopback addresses only")
	}
	var client *rpc.Client
	var err error
	if *codec == "json" {
		client, err = jsonrpc.Dial("tcp", *addr)
	} else {
		client, err = rpc.Dial("tcp", *addr)
	}
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	var n, failed atomic.Int64
	lat := make([][]time.Duration, *inflight)
	deadline := time.Now().Add(*duration)
	start := time.Now()
	var wg sync.WaitGroup
	for k := 0; k < *inflight; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			var reply string
			for time.Now().Before(deadline) {
				i := n.Add(1)
				t0 := time.Now()
				err := client.Call("RPCServer.LogInfo", RPCPayload{Name: "bench", Data: "load " + strconv.FormatInt(i, 10)}, &reply)
				if err != nil {
					failed.Add(1)
					continue
				}
				lat[k] = append(lat[k], time.Since(t0))
			}
		}(k)
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(a, b int) bool { return all[a] < all[b] })
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		i := int(float64(len(all))*p/100+0.999999) - 1
		if i < 0 {
			i = 0
		}
		return float64(all[i].Nanoseconds()) / 1e3
	}
	out := map[string]any{
		"answered": len(all), "failed": failed.Load(), "seconds": elapsed,
		"per_second": float64(len(all)) / elapsed,
		"latency_us": map[string]float64{"p50": pct(50), "p90": pct(90), "p99": pct(99), "p99_9": pct(99.9), "max": pct(100)},
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
