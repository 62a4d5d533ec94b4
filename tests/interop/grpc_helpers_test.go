// Helpers of the gRPC interop tests: our grpc_test_server (from ${BUILD_DIR}/bin) started per
// test, grpc-go connections to it, and a codec that sends raw bytes (for malformed messages).
package interop

import (
	"context"
	"os/exec"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/status"

	"microservices/interop/pb/logs"
)

// startOurGRPCServer runs grpc_test_server on a free port (extra arguments: --token T).
func startOurGRPCServer(t testing.TB, args ...string) string {
	t.Helper()
	args = append([]string{"--port", "0"}, args...)
	return startServerProcess(t, exec.Command(toolPath(t, "grpc_test_server"), args...))
}

// dialGRPC opens one grpc-go connection (h2c, as insecure credentials speak it).
func dialGRPC(t testing.TB, addr string, opts ...grpc.DialOption) *grpc.ClientConn {
	t.Helper()
	opts = append([]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}, opts...)
	conn, err := grpc.NewClient(addr, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

func writeLog(ctx context.Context, c logs.LogServiceClient, name, data string) (string, error) {
	resp, err := c.WriteLog(ctx, &logs.LogRequest{LogEntry: &logs.Log{Name: name, Data: data}})
	if err != nil {
		return "", err
	}
	return resp.GetResult(), nil
}

func withTimeout(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// statusOf is the call's status code and message.
func statusOf(err error) *status.Status { return status.Convert(err) }

// rawCodec sends and receives messages as they are: []byte in, *[]byte out.
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) { return v.([]byte), nil }
func (rawCodec) Unmarshal(data []byte, v any) error {
	*(v.(*[]byte)) = append([]byte(nil), data...)
	return nil
}
func (rawCodec) Name() string { return "proto" }

var _ encoding.Codec = rawCodec{}
