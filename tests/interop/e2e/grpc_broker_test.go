package e2e

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"microservices/interop/gologger"
	"microservices/interop/pb/logs"
)

// startGoGRPCLogger serves the Go logger's LogService with grpc-go on a free loopback port.
func startGoGRPCLogger(t *testing.T, store func(name, data string) error) (*gologger.LogServer, string) {
	t.Helper()
	recv := &gologger.LogServer{Store: store}
	srv := grpc.NewServer()
	logs.RegisterLogServiceServer(srv, recv)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(srv.Stop)
	return recv, ln.Addr().String()
}

// POST /log-grpc, as the page sends it, stores the entry through the system's logger.
func TestLogGRPCRoute(t *testing.T) {
	needSystem(t)
	name := runID("e2e-log-grpc")
	data := "data of " + name + ": é 😀 \"quoted\"\nline"
	from := time.Now()
	body := map[string]any{"action": "log", "log": map[string]string{"name": name, "data": data}}
	r := send(t, client, http.MethodPost, brokerURL+"/log-grpc", body, nil)
	if !expect(t, "POST /log-grpc", r, 202, "logged") {
		return
	}
	entries := waitLogs(t, name, 1, 10*time.Second)
	if len(entries) != 1 {
		t.Fatalf("%d entries named %q, want 1", len(entries), name)
	}
	checkEntry(t, entries[0], data, from)
	r = send(t, client, http.MethodPost, brokerURL+"/log-grpc", map[string]any{"action": "log"}, nil)
	expect(t, "POST /log-grpc without a log", r, 400, "missing field: log")
}

// Our broker's gRPC client calls an unmodified grpc-go server with the Go logger's
// implementation: /log-grpc and /handle "transport":"grpc" arrive intact, many at once on the
// broker's connections, each once; the Go logger's failures come back as the broker's texts.
func TestBrokerLogsThroughGoGRPCLogger(t *testing.T) {
	needSystem(t)
	var failing sync.Map // name -> error the store answers with
	goLogger, addr := startGoGRPCLogger(t, func(name, _ string) error {
		if err, ok := failing.Load(name); ok {
			return err.(error)
		}
		return nil
	})
	broker := startBroker(t, "LOGGER_GRPC_ADDR="+addr)

	name := runID("e2e-gogrpc")
	data := "Some kind of gRPC data for " + name + " é 😀"
	r := send(t, client, http.MethodPost, broker+"/log-grpc",
		map[string]any{"action": "log", "log": map[string]string{"name": name, "data": data}}, nil)
	expect(t, "POST /log-grpc to the Go logger", r, 202, "logged")
	r = send(t, client, http.MethodPost, broker+"/handle", logPayload("grpc", name+"-h", data), nil)
	expect(t, "log via grpc to the Go logger", r, 202, "logged")
	want := []gologger.RPCPayload{{Name: name, Data: data}, {Name: name + "-h", Data: data}}
	if got := goLogger.Received(); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("the Go logger received %+v, want exactly %+v", got, want)
	}
	for i, md := range goLogger.Metadata() {
		if len(md.Get("x-request-id")) != 1 || md.Get("x-request-id")[0] == "" {
			t.Errorf("call %d came without x-request-id: %v", i, md)
		}
		if timeout := md.Get("grpc-timeout"); len(timeout) != 0 {
			t.Errorf("grpc-timeout leaked into the metadata: %v", timeout) // grpc-go takes it as the deadline
		}
	}

	// Many at once: each arrives once, intact.
	burstEachOnce(t, broker, "grpc", name, 60, func(int) string { return "logged" },
		func() []gologger.RPCPayload { return goLogger.Received()[2:] })

	// With INTERNAL_TOKEN set (the broker then asks for it too), the broker's calls carry it
	// as bearer metadata.
	tokenBroker := startBroker(t, "LOGGER_GRPC_ADDR="+addr, "INTERNAL_TOKEN=e2e-grpc-token")
	r = send(t, client, http.MethodPost, tokenBroker+"/log-grpc",
		map[string]any{"action": "log", "log": map[string]string{"name": name + "-token", "data": "t"}},
		map[string]string{"Authorization": "Bearer e2e-grpc-token"})
	expect(t, "POST /log-grpc with INTERNAL_TOKEN", r, 202, "logged")
	all := goLogger.Metadata()
	if auth := all[len(all)-1].Get("authorization"); len(auth) != 1 || auth[0] != "Bearer e2e-grpc-token" {
		t.Errorf("authorization metadata %q, want [\"Bearer e2e-grpc-token\"]", auth)
	}
	if auth := all[0].Get("authorization"); len(auth) != 0 {
		t.Errorf("authorization metadata %q without INTERNAL_TOKEN, want none", auth)
	}

	// The Go logger's insert fails: a plain error is UNKNOWN (502), its store down is
	// UNAVAILABLE (503), its own deadline DEADLINE_EXCEEDED (504).
	failures := []struct {
		err    error
		status int
		text   string
	}{
		{errors.New("insert failed"), 502, "logger service error"},
		{status.Error(codes.Unavailable, "mongo down"), 503, "logger service unavailable"},
		{status.Error(codes.DeadlineExceeded, "mongo slow"), 504, "logger service timed out"},
	}
	for i, f := range failures {
		failName := fmt.Sprintf("%s-fail-%d", name, i)
		failing.Store(failName, f.err)
		r := send(t, client, http.MethodPost, broker+"/handle", logPayload("grpc", failName, "x"), nil)
		expect(t, fmt.Sprintf("the Go logger failing with %v", f.err), r, f.status, f.text)
	}
}
