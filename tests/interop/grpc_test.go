// grpc-go, the reference gRPC implementation, against our server (core/grpc over core/http2):
// calls, many streams on one connection, deadlines, cancellation, unknown methods, malformed
// and oversized messages, the token, and hostile peers.
package interop

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"

	"microservices/interop/pb/logs"
)

func TestGRPCWriteLog(t *testing.T) {
	c := logs.NewLogServiceClient(dialGRPC(t, startOurGRPCServer(t)))
	got, err := writeLog(withTimeout(t, 5*time.Second), c, "event", "data é ✓")
	if err != nil || got != "logged!" {
		t.Fatalf("WriteLog = %q, %v", got, err)
	}
}

func TestGRPCManyConcurrentStreamsOnOneConnection(t *testing.T) {
	conn := dialGRPC(t, startOurGRPCServer(t))
	c := logs.NewLogServiceClient(conn)
	ctx := withTimeout(t, 30*time.Second)
	// More calls than the 256 streams the server allows at once: grpc-go queues the rest.
	const calls = 1000
	var wg sync.WaitGroup
	errs := make(chan error, calls)
	for i := 0; i < calls; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			name, data := "n", fmt.Sprint(i)
			if i%10 == 0 {
				name, data = "sleep", "50" // some calls overlap for a while
			}
			got, err := writeLog(ctx, c, name, data)
			if err == nil && got != "logged!" {
				err = fmt.Errorf("call %d answered %q", i, got)
			}
			if err != nil {
				errs <- err
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestGRPCDeadlineExpires(t *testing.T) {
	c := logs.NewLogServiceClient(dialGRPC(t, startOurGRPCServer(t)))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := writeLog(ctx, c, "sleep", "5000")
	if statusOf(err).Code() != codes.DeadlineExceeded {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
	// The server-side deadline (grpc-timeout) ends the handler too: a call with a deadline
	// the server sees expire is answered DEADLINE_EXCEEDED by the server, well before 5 s.
	start := time.Now()
	ctx2, cancel2 := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel2()
	_, err = writeLog(ctx2, c, "sleep", "5000")
	if statusOf(err).Code() != codes.DeadlineExceeded || time.Since(start) > 4*time.Second {
		t.Fatalf("err = %v after %v", err, time.Since(start))
	}
	if got, err := writeLog(withTimeout(t, 5*time.Second), c, "after", ""); err != nil || got != "logged!" {
		t.Fatalf("after the deadline: %q, %v", got, err)
	}
}

func TestGRPCCancelledCall(t *testing.T) {
	c := logs.NewLogServiceClient(dialGRPC(t, startOurGRPCServer(t)))
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(100 * time.Millisecond)
		cancel()
	}()
	_, err := writeLog(ctx, c, "sleep", "5000")
	if statusOf(err).Code() != codes.Canceled {
		t.Fatalf("err = %v, want Canceled", err)
	}
	if got, err := writeLog(withTimeout(t, 5*time.Second), c, "after", ""); err != nil || got != "logged!" {
		t.Fatalf("after the cancel: %q, %v", got, err)
	}
}

func TestGRPCUnknownMethod(t *testing.T) {
	conn := dialGRPC(t, startOurGRPCServer(t))
	var out logs.LogResponse
	err := conn.Invoke(withTimeout(t, 5*time.Second), "/logs.LogService/Nope", &logs.LogRequest{}, &out)
	if s := statusOf(err); s.Code() != codes.Unimplemented || !strings.Contains(s.Message(), "/logs.LogService/Nope") {
		t.Fatalf("err = %v, want Unimplemented naming the method", err)
	}
	err = conn.Invoke(withTimeout(t, 5*time.Second), "/other.Service/WriteLog", &logs.LogRequest{}, &out)
	if statusOf(err).Code() != codes.Unimplemented {
		t.Fatalf("err = %v, want Unimplemented", err)
	}
}

func TestGRPCMalformedMessages(t *testing.T) {
	conn := dialGRPC(t, startOurGRPCServer(t))
	cases := map[string][]byte{
		"garbage":         []byte("GET / HTTP/1.1\r\n\r\n"),
		"truncated":       {0x0a, 0x09, 0x0a, 0x01},
		"wrong wire type": {0x0a, 0x02, 0x08, 0x01}, // logEntry.name as a varint
		"not UTF-8":       {0x0a, 0x03, 0x0a, 0x01, 0xff},
		"empty name":      {},
	}
	for name, msg := range cases {
		var out []byte
		err := conn.Invoke(withTimeout(t, 5*time.Second), "/logs.LogService/WriteLog", msg, &out,
			grpc.ForceCodec(rawCodec{}))
		if statusOf(err).Code() != codes.InvalidArgument {
			t.Errorf("%s: err = %v, want InvalidArgument", name, err)
		}
	}
	// Unknown fields are skipped: field 9 (varint) before a valid logEntry.
	var out []byte
	msg := []byte{0x48, 0x01, 0x0a, 0x03, 0x0a, 0x01, 'x'}
	if err := conn.Invoke(withTimeout(t, 5*time.Second), "/logs.LogService/WriteLog", msg, &out,
		grpc.ForceCodec(rawCodec{})); err != nil {
		t.Fatalf("unknown field: %v", err)
	}
}

func TestGRPCOversizedMessageIsResourceExhausted(t *testing.T) {
	c := logs.NewLogServiceClient(dialGRPC(t, startOurGRPCServer(t)))
	_, err := writeLog(withTimeout(t, 20*time.Second), c, "big", strings.Repeat("x", 5<<20))
	if statusOf(err).Code() != codes.ResourceExhausted {
		t.Fatalf("err = %v, want ResourceExhausted", err)
	}
	if got, err := writeLog(withTimeout(t, 5*time.Second), c, "after", ""); err != nil || got != "logged!" {
		t.Fatalf("after the big one: %q, %v", got, err)
	}
}

func TestGRPCToken(t *testing.T) {
	c := logs.NewLogServiceClient(dialGRPC(t, startOurGRPCServer(t, "--token", "s3cret")))
	for _, auth := range []string{"", "Bearer wrong", "s3cret"} {
		ctx := withTimeout(t, 5*time.Second)
		if auth != "" {
			ctx = metadata.AppendToOutgoingContext(ctx, "authorization", auth)
		}
		if _, err := writeLog(ctx, c, "n", "d"); statusOf(err).Code() != codes.Unauthenticated {
			t.Errorf("authorization %q: err = %v, want Unauthenticated", auth, err)
		}
	}
	ctx := metadata.AppendToOutgoingContext(withTimeout(t, 5*time.Second), "authorization", "Bearer s3cret")
	if got, err := writeLog(ctx, c, "n", "d"); err != nil || got != "logged!" {
		t.Fatalf("with the token: %q, %v", got, err)
	}
}

// A peer that sends garbage instead of the connection preface is cut off; others are served.
func TestGRPCGarbagePreface(t *testing.T) {
	addr := startOurGRPCServer(t)
	raw, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	_, _ = raw.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n" + strings.Repeat("junk", 1000)))
	_ = raw.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err = io.Copy(io.Discard, raw)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("the connection stayed open after a garbage preface")
	}
	c := logs.NewLogServiceClient(dialGRPC(t, addr))
	if got, err := writeLog(withTimeout(t, 5*time.Second), c, "n", ""); err != nil || got != "logged!" {
		t.Fatalf("after the garbage: %q, %v", got, err)
	}
}
