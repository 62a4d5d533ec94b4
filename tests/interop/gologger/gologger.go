// Package gologger is the Go system's logger RPC surface (logger-service/cmd/api/rpc.go): the
// argument type and the receiver an unmodified Go broker calls over net/rpc, answering as the
// Go logger does. It remembers what it received instead of writing to MongoDB.
package gologger

import (
	"errors"
	"sync"
)

// RPCPayload is the Go logger's argument type.
type RPCPayload struct {
	Name string
	Data string
}

// RPCServer is the Go logger's receiver (register it with net/rpc as "RPCServer"), plus Fail
// for the error paths of the interop tests.
type RPCServer struct {
	mu       sync.Mutex
	received []RPCPayload
}

// LogInfo answers as the Go logger does.
func (r *RPCServer) LogInfo(payload RPCPayload, resp *string) error {
	r.mu.Lock()
	r.received = append(r.received, payload)
	r.mu.Unlock()
	*resp = "Processed payload via RPC:" + payload.Name
	return nil
}

// Fail answers with an error carrying Data.
func (r *RPCServer) Fail(payload RPCPayload, resp *string) error {
	return errors.New(payload.Data)
}

// Received is what LogInfo was called with, in arrival order. (net/rpc registers only
// methods of the RPC shape, so this one is not callable remotely.)
func (r *RPCServer) Received() []RPCPayload {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]RPCPayload(nil), r.received...)
}
