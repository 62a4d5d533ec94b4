// Hostile HTTP/2 peers against our gRPC server, spoken frame by frame with x/net/http2's
// Framer: more streams than allowed, and a peer that never reads. Each is refused or
// contained, and the server keeps serving a well-behaved client meanwhile.
package interop

import (
	"bytes"
	"net"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"microservices/interop/pb/logs"
)

// rawH2 opens a connection, sends the preface and empty SETTINGS, and returns its framer.
func rawH2(t *testing.T, addr string) (net.Conn, *http2.Framer) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if _, err := c.Write([]byte(http2.ClientPreface)); err != nil {
		t.Fatal(err)
	}
	fr := http2.NewFramer(c, c)
	if err := fr.WriteSettings(); err != nil {
		t.Fatal(err)
	}
	return c, fr
}

func grpcHeaderBlock(t *testing.T) []byte {
	var buf bytes.Buffer
	enc := hpack.NewEncoder(&buf)
	for _, f := range [][2]string{
		{":method", "POST"}, {":scheme", "http"}, {":authority", "x"},
		{":path", "/logs.LogService/WriteLog"}, {"content-type", "application/grpc"}, {"te", "trailers"},
	} {
		if err := enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]}); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func stillServes(t *testing.T, addr string) {
	t.Helper()
	c := logs.NewLogServiceClient(dialGRPC(t, addr))
	if got, err := writeLog(withTimeout(t, 10*time.Second), c, "n", ""); err != nil || got != "logged!" {
		t.Fatalf("a well-behaved client: %q, %v", got, err)
	}
}

// 10,000 streams opened and never ended, as fast as the socket takes them. Past the 256
// advertised (and acknowledged), nghttp2 ends the connection with GOAWAY PROTOCOL_ERROR;
// streams opened before the acknowledgement would be refused one by one (RST_STREAM
// REFUSED_STREAM). Either way no stream past the limit is served, and other clients are.
func TestGRPCTenThousandStreamsAreRefusedOrCutOff(t *testing.T) {
	addr := startOurGRPCServer(t)
	conn, fr := rawH2(t, addr)
	block := grpcHeaderBlock(t)
	// Our SETTINGS must be acknowledged first: the limit holds from then on.
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			t.Fatal(err)
		}
		if s, ok := f.(*http2.SettingsFrame); ok && !s.IsAck() {
			if err := fr.WriteSettingsAck(); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	go func() {
		for i := 0; i < 10000; i++ {
			id := uint32(2*i + 1)
			if fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: block, EndHeaders: true}) != nil {
				return
			}
		}
	}()
	refused, answered := 0, 0
	outcome := ""
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	for outcome == "" {
		f, err := fr.ReadFrame()
		switch {
		case err != nil:
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatalf("neither refused nor cut off: %d refused", refused)
			}
			outcome = "closed: " + err.Error()
		case refused >= 10000-256:
			outcome = "refused"
		default:
			switch f := f.(type) {
			case *http2.RSTStreamFrame:
				if f.ErrCode == http2.ErrCodeRefusedStream {
					refused++
				}
			case *http2.HeadersFrame:
				answered++
			case *http2.GoAwayFrame:
				outcome = "GOAWAY " + f.ErrCode.String()
			}
		}
	}
	t.Logf("%d streams refused, then %s", refused, outcome)
	if answered > 0 {
		t.Errorf("%d streams without a request message were answered", answered)
	}
	stillServes(t, addr)
}

// A peer that sends requests and never reads: the server stops reading it once its writes
// block, serves others meanwhile, and answers the same peer nothing more than it can hold.
func TestGRPCPeerThatNeverReads(t *testing.T) {
	addr := startOurGRPCServer(t)
	conn, fr := rawH2(t, addr)
	block := grpcHeaderBlock(t)
	msg := []byte{0, 0, 0, 0, 5, 0x0a, 0x03, 0x0a, 0x01, 'x'}
	// Write requests (each answered with a response) until our writes stall: the server's
	// answers fill the socket buffers and it stops reading us.
	done := make(chan int, 1)
	go func() {
		n := 0
		for id := uint32(1); id < 1<<20; id += 2 {
			_ = conn.SetWriteDeadline(time.Now().Add(3 * time.Second))
			if fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: block, EndHeaders: true}) != nil ||
				fr.WriteData(id, true, msg) != nil {
				break
			}
			n++
		}
		done <- n
	}()
	select {
	case n := <-done:
		t.Logf("the server stopped reading after %d requests", n)
	case <-time.After(60 * time.Second):
		t.Fatal("the server kept reading a peer that never reads")
	}
	stillServes(t, addr)
}
