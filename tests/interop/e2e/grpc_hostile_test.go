package e2e

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"microservices/interop/pb/logs"
)

// servicePID is the pid scripts/services recorded for a service of the running system.
func servicePID(t *testing.T, name string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), ".run", profile, "pids", name+".pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// rssKiB is a process's resident set (VmRSS) in KiB.
func rssKiB(t *testing.T, pid int) int {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmRSS:"); ok {
			kib, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			if err != nil {
				t.Fatal(err)
			}
			return kib
		}
	}
	t.Fatalf("no VmRSS for pid %d", pid)
	return 0
}

// A 100 MiB request message to the logger's gRPC port is refused (RESOURCE_EXHAUSTED, or the
// stream reset) from its length prefix alone: the logger never holds it (its resident set
// grows by far less than the message), and it serves other clients all along.
func TestGRPCHundredMiBMessageToLogger(t *testing.T) {
	needSystem(t)
	needService(t, "logger")
	pid := servicePID(t, "logger")
	before := rssKiB(t, pid)

	// The logger's resident set, sampled while the hostile call runs.
	var peak atomic.Int64
	peak.Store(int64(before))
	stop := make(chan struct{})
	var sampler sync.WaitGroup
	sampler.Add(1)
	go func() {
		defer sampler.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			if kib := int64(rssKiB(t, pid)); kib > peak.Load() {
				peak.Store(kib)
			}
		}
	}()

	// Others are served meanwhile, on their own connection.
	other := logs.NewLogServiceClient(grpcConn(t, loggerGRPCAddr))
	served := make(chan error, 1)
	go func() {
		for i := 0; i < 20; i++ {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			_, err := other.WriteLog(ctx, &logs.LogRequest{LogEntry: &logs.Log{Name: runID("e2e-grpc-beside-100mib"), Data: "x"}})
			cancel()
			if err != nil {
				served <- err
				return
			}
		}
		served <- nil
	}()

	// The hostile call: grpc-go sends the whole 100 MiB within the windows the logger grants.
	big := logs.NewLogServiceClient(grpcConn(t, loggerGRPCAddr))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	_, err := big.WriteLog(ctx, &logs.LogRequest{LogEntry: &logs.Log{Name: "huge", Data: strings.Repeat("x", 100<<20)}},
		grpc.MaxCallSendMsgSize(200<<20))
	close(stop)
	sampler.Wait()
	if code := status.Code(err); code != codes.ResourceExhausted && code != codes.Internal && code != codes.Unavailable {
		t.Errorf("100 MiB message: %v, want RESOURCE_EXHAUSTED (or the stream reset)", err)
	}
	t.Logf("100 MiB message: %v; logger RSS %d KiB before, %d KiB at most during", err, before, peak.Load())
	if grown := peak.Load() - int64(before); grown > 32<<10 {
		t.Errorf("the logger's resident set grew by %d KiB during a refused 100 MiB message", grown)
	}
	if err := <-served; err != nil {
		t.Errorf("another client beside the 100 MiB message: %v", err)
	}
	// The same connection still works for a well-formed call.
	if resp, err := big.WriteLog(grpcContext(t), &logs.LogRequest{LogEntry: &logs.Log{Name: runID("e2e-grpc-after-100mib"), Data: "x"}}); err != nil || resp.GetResult() != "logged!" {
		t.Errorf("after the 100 MiB message: %v, %v", resp, err)
	}
}
