// Command grpc_log_server is the grpc-go peer of bench/grpc_bench.sh: logs.LogService with the
// Go logger's WriteLog (logger-service/cmd/api/grpc.go) minus the store, which is what our
// bench server (build/bin/grpc_test_server) serves too: decode the request, refuse an empty
// name, answer "logged!". It prints "listening on <port>" once bound.
//
//	grpc_log_server [-addr 127.0.0.1:0]
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"syscall"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"microservices/interop/pb/logs"
)

type logServer struct {
	logs.UnimplementedLogServiceServer
}

func (logServer) WriteLog(_ context.Context, req *logs.LogRequest) (*logs.LogResponse, error) {
	if req.GetLogEntry().GetName() == "" {
		return nil, status.Error(codes.InvalidArgument, "field logEntry.name must not be empty")
	}
	return &logs.LogResponse{Result: "logged!"}, nil
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	// The limits our server has: 256 concurrent streams per connection, 4 MiB messages.
	srv := grpc.NewServer(grpc.MaxConcurrentStreams(256))
	logs.RegisterLogServiceServer(srv, logServer{})
	fmt.Printf("listening on %d\n", ln.Addr().(*net.TCPAddr).Port)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-stop
		srv.GracefulStop()
	}()
	if err := srv.Serve(ln); err != nil {
		log.Fatal(err)
	}
}
