// Helpers of the RPC interop tests: the Go side of the protocol (the Go system's RPCServer and
// RPCPayload, served by net/rpc), and our side driven through the tools in ${BUILD_DIR}/bin
// (BUILD_DIR defaults to ../../build): rpc_test_server and rpc_test_client.
package interop

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/rpc"
	"net/rpc/jsonrpc"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"microservices/interop/gologger"
)

// RPCPayload and RPCServer: the Go logger's RPC surface, shared with cmd/rpcgoserver and e2e.
type RPCPayload = gologger.RPCPayload
type RPCServer = gologger.RPCServer

// toolPath finds one of our tools in ${BUILD_DIR}/bin, or skips the test.
func toolPath(t testing.TB, name string) string {
	t.Helper()
	dir := os.Getenv("BUILD_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "build")
	}
	path, err := filepath.Abs(filepath.Join(dir, "bin", name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s not built (build it, or set BUILD_DIR)", path)
	}
	return path
}

// startOurRPCServer runs rpc_test_server on a free port until the test ends.
func startOurRPCServer(t testing.TB) string {
	t.Helper()
	return startServerProcess(t, exec.Command(toolPath(t, "rpc_test_server"), "--port", "0"))
}

// goServerBinary builds cmd/rpcgoserver once per test binary.
var goServerBinary = struct {
	sync.Once
	path string
	err  error
}{}

// startGoRPCServerProcess runs cmd/rpcgoserver (net/rpc, both codecs) in a process of its own.
func startGoRPCServerProcess(t testing.TB) string {
	t.Helper()
	goServerBinary.Do(func() {
		dir, err := os.MkdirTemp("", "rpcgoserver")
		if err != nil {
			goServerBinary.err = err
			return
		}
		goServerBinary.path = filepath.Join(dir, "rpcgoserver")
		out, err := exec.Command("go", "build", "-o", goServerBinary.path, "./cmd/rpcgoserver").CombinedOutput()
		if err != nil {
			goServerBinary.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if goServerBinary.err != nil {
		t.Fatal(goServerBinary.err)
	}
	return startServerProcess(t, exec.Command(goServerBinary.path))
}

// startServerProcess starts cmd, which prints "listening on <port>" once ready, and stops it
// with SIGTERM when the test ends.
func startServerProcess(t testing.TB, cmd *exec.Cmd) string {
	t.Helper()
	var logs bytes.Buffer // its log lines, shown if the test fails
	cmd.Stderr = &logs
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(15 * time.Second): // generous: a loaded machine
			_ = cmd.Process.Kill()
			<-done
			t.Errorf("%s did not stop on SIGTERM within 15 s", cmd.Path)
		}
		if t.Failed() {
			t.Logf("%s's log:\n%s", cmd.Path, logs.String())
		}
	})
	lines := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(out)
		if s.Scan() {
			lines <- s.Text()
		}
		close(lines)
	}()
	select {
	case line := <-lines:
		var port int
		if _, err := fmt.Sscanf(line, "listening on %d", &port); err != nil {
			t.Fatalf("%s said %q", cmd.Path, line)
		}
		return fmt.Sprintf("127.0.0.1:%d", port)
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not start within 30 s", cmd.Path)
	}
	return ""
}

// goRPCServer is net/rpc serving RPCServer on a loopback port, gob (rpc.ServeConn, as the Go
// logger does) or JSON-RPC (jsonrpc.ServeConn); it counts the connections it accepted.
type goRPCServer struct {
	addr        string
	connections atomic.Int64
}

func startGoRPCServer(t testing.TB, codec string) *goRPCServer {
	t.Helper()
	srv := rpc.NewServer()
	if err := srv.Register(new(RPCServer)); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := &goRPCServer{addr: ln.Addr().String()}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			g.connections.Add(1)
			if codec == "json" {
				go srv.ServeCodec(jsonrpc.NewServerCodec(conn))
			} else {
				go srv.ServeConn(conn)
			}
		}
	}()
	t.Cleanup(func() { _ = ln.Close() })
	return g
}

// dialGo opens one net/rpc client connection with the given codec.
func dialGo(t testing.TB, codec, addr string) *rpc.Client {
	t.Helper()
	var c *rpc.Client
	var err error
	if codec == "json" {
		c, err = jsonrpc.Dial("tcp", addr)
	} else {
		c, err = rpc.Dial("tcp", addr)
	}
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// clientResult is one line of rpc_test_client's output.
type clientResult struct {
	kind, text string
}

// runOurClient runs rpc_test_client and returns its per-call results by index and its
// summary line.
func runOurClient(t testing.TB, args ...string) (map[int]clientResult, string) {
	t.Helper()
	cmd := exec.Command(toolPath(t, "rpc_test_client"), args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("rpc_test_client: %v", err)
	}
	results := map[int]clientResult{}
	summary := ""
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if strings.HasPrefix(line, "calls=") {
			summary = line
			continue
		}
		f := strings.SplitN(line, "\t", 3)
		if len(f) != 3 {
			t.Fatalf("rpc_test_client printed %q", line)
		}
		var i int
		if _, err := fmt.Sscanf(f[0], "%d", &i); err != nil {
			t.Fatalf("rpc_test_client printed %q", line)
		}
		results[i] = clientResult{f[1], f[2]}
	}
	return results, summary
}

// summaryRate reads calls_per_sec from a summary line.
func summaryRate(t testing.TB, summary string) float64 {
	t.Helper()
	i := strings.Index(summary, "calls_per_sec=")
	if i < 0 {
		t.Fatalf("no rate in %q", summary)
	}
	var rate float64
	if _, err := fmt.Sscanf(summary[i:], "calls_per_sec=%g", &rate); err != nil {
		t.Fatalf("bad rate in %q", summary)
	}
	return rate
}
