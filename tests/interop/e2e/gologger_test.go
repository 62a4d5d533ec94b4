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
			const n = 40
			var wg sync.WaitGroup
			replies := make([]reply, n)
			errs := make([]error, n)
			for i := 0; i < n; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					replies[i], errs[i] = do(freshClient, http.MethodPost, broker+"/handle",
						logPayload("rpc", fmt.Sprintf("%s-%d", name, i), fmt.Sprint(i)), nil)
				}(i)
			}
			wg.Wait()
			for i, r := range replies {
				if errs[i] != nil {
					t.Errorf("log %d: %v", i, errs[i])
					continue
				}
				expect(t, fmt.Sprintf("log %d", i), r, 202, fmt.Sprintf("Processed payload via RPC:%s-%d", name, i))
			}
			count := map[RPCPayload]int{}
			for _, p := range goLogger.Received()[1:] {
				count[p]++
			}
			for i := 0; i < n; i++ {
				p := RPCPayload{Name: fmt.Sprintf("%s-%d", name, i), Data: fmt.Sprint(i)}
				if count[p] != 1 {
					t.Errorf("the Go logger received %+v %d times, want once", p, count[p])
				}
				delete(count, p)
			}
			for p, c := range count {
				t.Errorf("the Go logger received an unexpected %+v (%d times)", p, c)
			}
		})
	}
}
