package e2e

import (
	"fmt"
	"net"
	"net/http"
	"net/rpc"
	"net/rpc/jsonrpc"
	"sync"
	"testing"

	"microservices/interop/gologger"
)

// RPCPayload and RPCServer: the Go logger's RPC surface (it records what it receives).
type RPCPayload = gologger.RPCPayload
type RPCServer = gologger.RPCServer

// startGoLogger serves RPCServer with net/rpc on a loopback port, as the Go logger does
// (rpc.ServeConn: gob), or with net/rpc/jsonrpc.
func startGoLogger(t *testing.T, codec string) (*RPCServer, string) {
	t.Helper()
	recv := &RPCServer{}
	srv := rpc.NewServer()
	if err := srv.Register(recv); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns sync.WaitGroup
	var mu sync.Mutex
	var open []net.Conn
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			open = append(open, conn)
			mu.Unlock()
			conns.Add(1)
			go func() {
				defer conns.Done()
				if codec == "json" {
					srv.ServeCodec(jsonrpc.NewServerCodec(conn))
				} else {
					srv.ServeConn(conn)
				}
			}()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		for _, c := range open {
			_ = c.Close()
		}
		mu.Unlock()
		conns.Wait()
	})
	return recv, ln.Addr().String()
}

// Our broker logs through an unmodified Go logger's net/rpc server: the Go types, the Go
// reply, gob as the Go system speaks it (and JSON-RPC, the other codec).
func TestBrokerLogsThroughGoLogger(t *testing.T) {
	needSystem(t)
	for _, codec := range []string{"gob", "json"} {
		t.Run(codec, func(t *testing.T) {
			goLogger, addr := startGoLogger(t, codec)
			broker := startBroker(t, "LOGGER_RPC_ADDR="+addr, "LOGGER_RPC_CODEC="+codec)

			name := runID("e2e-golog-" + codec)
			data := "Some kind of data for " + name
			r := send(t, client, http.MethodPost, broker+"/handle", logPayload("", name, data), nil)
			expect(t, "log via rpc to the Go logger", r, 202, "Processed payload via RPC:"+name)
			if got := goLogger.Received(); len(got) != 1 || got[0] != (RPCPayload{Name: name, Data: data}) {
				t.Fatalf("the Go logger received %+v, want exactly [%+v]", got, RPCPayload{Name: name, Data: data})
			}

			// Many at once, over the broker's pooled connections: each arrives once, intact.
			burstEachOnce(t, broker, "rpc", name, 40,
				func(i int) string { return fmt.Sprintf("Processed payload via RPC:%s-%d", name, i) },
				func() []RPCPayload { return goLogger.Received()[1:] })
		})
	}
}
