package e2e

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// freePort is a loopback port nobody listens on right now.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// lockedBuffer collects a process's output.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startBroker runs our broker binary on a free port of its own, with the environment of the
// test system's broker (scripts/lib/services.sh) overridden by env ("VAR=value"), until the
// test ends. It returns the broker's base URL once /healthz answers.
func startBroker(t testing.TB, env ...string) string {
	t.Helper()
	bin := filepath.Join(buildDir(t), "bin", "broker")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("the broker is not built: %v", err)
	}
	p := freePort(t)
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(),
		fmt.Sprintf("PORT=%d", p),
		"WORKERS=2",
		"LOG_LEVEL=info",
		"DRAIN_GRACE=2s",
		"AUTH_URL="+authURL,
		"LOGGER_URL="+loggerURL,
		"MAIL_URL="+mailURL,
		"LOGGER_RPC_ADDR="+rpcAddr,
		"LOGGER_RPC_CODEC=gob",
		"LOGGER_GRPC_ADDR="+loggerGRPCAddr,
		"RABBIT_URL="+rabbitURL,
	)
	cmd.Env = append(cmd.Env, env...) // later values win
	logs := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
			t.Errorf("our broker (pid %d) did not stop on SIGTERM within 10 s", cmd.Process.Pid)
		}
		if t.Failed() {
			t.Logf("our broker's log:\n%s", logs.String())
		}
	})
	base := fmt.Sprintf("http://127.0.0.1:%d", p)
	end := time.Now().Add(20 * time.Second)
	for {
		select {
		case <-exited:
			t.Fatalf("our broker exited at start-up:\n%s", logs.String())
		default:
		}
		if ok, _ := getOK(base + "/healthz"); ok {
			return base
		}
		if time.Now().After(end) {
			t.Fatalf("our broker did not answer /healthz within 20 s:\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
