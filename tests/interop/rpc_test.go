// Interop of our RPC server and client with Go's net/rpc, both codecs: unmodified Go clients
// (rpc.Dial, jsonrpc.Dial) call our server, and our client calls an unmodified Go server
// (rpc.ServeConn, jsonrpc.ServeCodec). Many calls share one connection each way.
package interop

import (
	"encoding/gob"
	"errors"
	"fmt"
	"net/rpc"
	"sync"
	"testing"
)

// BigPayload is an argument with fields our server does not know, around the ones it does.
type BigPayload struct {
	Level  int
	Name   string
	Tags   []string
	Nested struct {
		A int
		B []string
	}
	Data string
	M    map[string]int
	Any  any
}

// SmallPayload lacks Data.
type SmallPayload struct {
	Name string
}

type point struct{ X, Y int }

func init() { gob.Register(point{}) }

func TestRPCGoClientsCallOurServer(t *testing.T) {
	addr := startOurRPCServer(t)
	for _, codec := range []string{"gob", "json"} {
		t.Run(codec, func(t *testing.T) {
			client := dialGo(t, codec, addr)
			// 200 calls in flight on this one connection.
			var wg sync.WaitGroup
			errs := make(chan error, 200)
			for i := 0; i < 200; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					var reply string
					name := fmt.Sprintf("n%d", i)
					if err := client.Call("RPCServer.LogInfo", RPCPayload{Name: name, Data: "d"}, &reply); err != nil {
						errs <- fmt.Errorf("call %d: %v", i, err)
						return
					}
					if want := "Processed payload via RPC:" + name; reply != want {
						errs <- fmt.Errorf("call %d: got %q, want %q", i, reply, want)
					}
				}(i)
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}

			// Error replies reach Go as rpc.ServerError, with Go's own wording for lookups.
			var reply string
			err := client.Call("RPCServer.Fail", RPCPayload{Name: "x", Data: "boom"}, &reply)
			var serverErr rpc.ServerError
			if !errors.As(err, &serverErr) || err.Error() != "boom" {
				t.Errorf("Fail: got %v", err)
			}
			err = client.Call("RPCServer.Nope", RPCPayload{}, &reply)
			if err == nil || err.Error() != "rpc: can't find method RPCServer.Nope" {
				t.Errorf("unknown method: got %v", err)
			}
			err = client.Call("Nope.LogInfo", RPCPayload{}, &reply)
			if err == nil || err.Error() != "rpc: can't find service Nope.LogInfo" {
				t.Errorf("unknown service: got %v", err)
			}
			// The connection is still good.
			if err := client.Call("RPCServer.LogInfo", RPCPayload{Name: "after"}, &reply); err != nil || reply != "Processed payload via RPC:after" {
				t.Errorf("after errors: %q %v", reply, err)
			}
		})
	}
}

func TestRPCGoClientWithOtherPayloadTypes(t *testing.T) {
	addr := startOurRPCServer(t)
	for _, codec := range []string{"gob", "json"} {
		t.Run(codec, func(t *testing.T) {
			client := dialGo(t, codec, addr)
			var reply string
			big := BigPayload{Level: -3, Name: "big", Tags: []string{"a", "b"}, Data: "d", M: map[string]int{"k": 1}}
			big.Nested.A = 300
			big.Nested.B = []string{"x"}
			if codec == "gob" {
				big.Any = point{1, 2} // its type travels inside the value (gob.Register'ed below)
			}
			if err := client.Call("RPCServer.LogInfo", big, &reply); err != nil || reply != "Processed payload via RPC:big" {
				t.Errorf("extra fields: %q %v", reply, err)
			}
			if err := client.Call("RPCServer.LogInfo", SmallPayload{Name: "small"}, &reply); err != nil || reply != "Processed payload via RPC:small" {
				t.Errorf("fewer fields: %q %v", reply, err)
			}
			// An argument that is no struct at all fails that call only.
			err := client.Call("RPCServer.LogInfo", 5, &reply)
			if err == nil {
				t.Errorf("int argument: no error")
			}
			if err := client.Call("RPCServer.LogInfo", RPCPayload{Name: "still"}, &reply); err != nil || reply != "Processed payload via RPC:still" {
				t.Errorf("after a bad argument: %q %v", reply, err)
			}
		})
	}
}

func TestRPCOurClientCallsGoServer(t *testing.T) {
	for _, codec := range []string{"gob", "json"} {
		t.Run(codec, func(t *testing.T) {
			srv := startGoRPCServer(t, codec)
			results, summary := runOurClient(t, srv.addr, codec, "--calls", "200", "--inflight", "200")
			if len(results) != 200 {
				t.Fatalf("%d results (%s)", len(results), summary)
			}
			for i := 0; i < 200; i++ {
				r := results[i]
				if want := fmt.Sprintf("Processed payload via RPC:n%d", i); r.kind != "ok" || r.text != want {
					t.Errorf("call %d: %s %q, want ok %q", i, r.kind, r.text, want)
				}
			}
			if n := srv.connections.Load(); n != 1 {
				t.Errorf("%d connections, want all calls on one", n)
			}

			results, _ = runOurClient(t, srv.addr, codec, "--calls", "3", "--method", "RPCServer.Fail")
			for i := 0; i < 3; i++ {
				if r := results[i]; r.kind != "error" || r.text != fmt.Sprintf("d%d", i) {
					t.Errorf("Fail %d: %s %q", i, r.kind, r.text)
				}
			}
			results, _ = runOurClient(t, srv.addr, codec, "--calls", "1", "--method", "RPCServer.Nope")
			if r := results[0]; r.kind != "error" || r.text != "rpc: can't find method RPCServer.Nope" {
				t.Errorf("unknown method: %s %q", r.kind, r.text)
			}
		})
	}
}
