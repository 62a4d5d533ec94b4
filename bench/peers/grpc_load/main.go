// Command grpc_load drives bench/grpc_bench.sh: WriteLog calls over ONE grpc-go connection
// with N concurrent streams for a fixed time, after a warm-up. It reports calls/s, latency
// percentiles, and — given the server's pid — the server's CPU time over the measured window
// (utime + stime from /proc/PID/stat), hence calls per server CPU-second.
//
//	grpc_load -addr 127.0.0.1:PORT [-streams 100] [-warmup 2s] [-duration 10s] [-pid PID]
//
// Output (one line, key=value): calls= seconds= calls_per_s= p50_ms= p99_ms= errors=
// server_cpu_s= calls_per_cpu_s=
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"microservices/interop/pb/logs"
)

// clkTck is USER_HZ, the unit of utime/stime in /proc/PID/stat (100 on every Linux ABI).
const clkTck = 100

// cpuSeconds is the process's user + system CPU time so far.
func cpuSeconds(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		log.Fatal(err)
	}
	// Fields after the command name (which may hold spaces) start at state, field 3.
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	utime, _ := strconv.ParseFloat(fields[11], 64) // field 14
	stime, _ := strconv.ParseFloat(fields[12], 64) // field 15
	return (utime + stime) / clkTck
}

func main() {
	addr := flag.String("addr", "", "server host:port")
	streams := flag.Int("streams", 100, "concurrent calls on the one connection")
	warmup := flag.Duration("warmup", 2*time.Second, "calls before measuring")
	duration := flag.Duration("duration", 10*time.Second, "measured time")
	pid := flag.Int("pid", 0, "server pid, for its CPU time")
	flag.Parse()
	if *addr == "" {
		log.Fatal("-addr is required")
	}
	conn, err := grpc.NewClient(*addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	client := logs.NewLogServiceClient(conn)
	req := &logs.LogRequest{LogEntry: &logs.Log{Name: "bench", Data: "Some kind of gRPC data"}}

	var measuring, stopping atomic.Bool
	var errors atomic.Int64
	latencies := make([][]time.Duration, *streams)
	var wg sync.WaitGroup
	for i := 0; i < *streams; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for !stopping.Load() {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				start := time.Now()
				_, err := client.WriteLog(ctx, req)
				took := time.Since(start)
				cancel()
				if !measuring.Load() {
					continue
				}
				if err != nil {
					errors.Add(1)
					continue
				}
				latencies[i] = append(latencies[i], took)
			}
		}(i)
	}
	time.Sleep(*warmup)
	cpuBefore := 0.0
	if *pid > 0 {
		cpuBefore = cpuSeconds(*pid)
	}
	began := time.Now()
	measuring.Store(true)
	time.Sleep(*duration)
	measuring.Store(false)
	elapsed := time.Since(began).Seconds()
	cpu := 0.0
	if *pid > 0 {
		cpu = cpuSeconds(*pid) - cpuBefore
	}
	stopping.Store(true)
	wg.Wait()

	var all []time.Duration
	for _, l := range latencies {
		all = append(all, l...)
	}
	if len(all) == 0 {
		log.Fatalf("no successful call (%d errors)", errors.Load())
	}
	sort.Slice(all, func(a, b int) bool { return all[a] < all[b] })
	pct := func(p float64) float64 { return float64(all[int(p*float64(len(all)-1))].Microseconds()) / 1000 }
	perCPU := 0.0
	if cpu > 0 {
		perCPU = float64(len(all)) / cpu
	}
	fmt.Printf("calls=%d seconds=%.2f calls_per_s=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d server_cpu_s=%.2f calls_per_cpu_s=%.0f\n",
		len(all), elapsed, float64(len(all))/elapsed, pct(0.50), pct(0.99), errors.Load(), cpu, perCPU)
}
