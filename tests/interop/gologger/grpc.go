package gologger

import (
	"context"
	"sync"

	"google.golang.org/grpc/metadata"

	"microservices/interop/pb/logs"
)

// LogServer is the Go logger's gRPC server (logger-service/cmd/api/grpc.go): WriteLog takes
// the entry and answers "logged!". It remembers what it received (and each call's metadata)
// instead of writing to MongoDB; with Store set, it calls that instead, and a failing store
// answers "failed" with the error, as the Go logger does when its insert fails.
type LogServer struct {
	logs.UnimplementedLogServiceServer
	Store func(name, data string) error

	mu       sync.Mutex
	received []RPCPayload
	metadata []metadata.MD
}

// WriteLog answers as the Go logger does.
func (l *LogServer) WriteLog(ctx context.Context, req *logs.LogRequest) (*logs.LogResponse, error) {
	input := req.GetLogEntry()
	md, _ := metadata.FromIncomingContext(ctx)
	if l.Store != nil {
		if err := l.Store(input.GetName(), input.GetData()); err != nil {
			return &logs.LogResponse{Result: "failed"}, err
		}
	}
	l.mu.Lock()
	l.received = append(l.received, RPCPayload{Name: input.GetName(), Data: input.GetData()})
	l.metadata = append(l.metadata, md)
	l.mu.Unlock()
	return &logs.LogResponse{Result: "logged!"}, nil
}

// Received is what WriteLog stored, in arrival order.
func (l *LogServer) Received() []RPCPayload {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]RPCPayload(nil), l.received...)
}

// Metadata is the metadata of each stored call, in the same order.
func (l *LogServer) Metadata() []metadata.MD {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]metadata.MD(nil), l.metadata...)
}
