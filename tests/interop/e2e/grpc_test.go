package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"microservices/interop/pb/logs"
	"microservices/interop/pb/mail"
)

var (
	loggerGRPCAddr = envOr("LOGGER_GRPC_ADDR", fmt.Sprintf("127.0.0.1:%d", port("GRPC_PORT", 55002)))
	mailGRPCAddr   = fmt.Sprintf("127.0.0.1:%d", port("MAIL_GRPC_PORT", 55003))
)

func grpcConn(t *testing.T, addr string) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

func grpcContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// logs.LogService/WriteLog on the logger stores the entry as POST /log does; a repeated
// idempotency-key stores once.
func TestGRPCWriteLogStores(t *testing.T) {
	needSystem(t)
	c := logs.NewLogServiceClient(grpcConn(t, loggerGRPCAddr))
	name := runID("e2e-grpc")
	data := "data of " + name + ": é 😀 \"quoted\"\nline"
	from := time.Now()
	ctx := metadata.AppendToOutgoingContext(grpcContext(t), "idempotency-key", name)
	for i := 0; i < 2; i++ {
		resp, err := c.WriteLog(ctx, &logs.LogRequest{LogEntry: &logs.Log{Name: name, Data: data}})
		if err != nil || resp.GetResult() != "logged!" {
			t.Fatalf("WriteLog #%d = %v, %v", i, resp, err)
		}
	}
	entries := waitLogs(t, name, 1, 10*time.Second)
	if len(entries) != 1 {
		t.Fatalf("%d entries named %q, want 1", len(entries), name)
	}
	checkEntry(t, entries[0], data, from)
	if entries[0].ID != name {
		t.Errorf("id = %q, want the idempotency-key %q", entries[0].ID, name)
	}
	_, err := c.WriteLog(grpcContext(t), &logs.LogRequest{LogEntry: &logs.Log{Name: ""}})
	if status.Code(err) != codes.InvalidArgument {
		t.Errorf("empty name: %v, want InvalidArgument", err)
	}
}

// mail.MailService/SendMail validates as POST /send does and the mail reaches Mailpit.
func TestGRPCSendMail(t *testing.T) {
	needSystem(t)
	c := mail.NewMailServiceClient(grpcConn(t, mailGRPCAddr))
	subject := runID("e2e-grpc-mail")
	resp, err := c.SendMail(grpcContext(t), &mail.MailRequest{
		From: "someone@example.org", To: "grpc@example.com", Subject: subject, Message: "over gRPC"})
	if err != nil || resp.GetResult() != "sent to grpc@example.com" {
		t.Fatalf("SendMail = %v, %v", resp, err)
	}
	waitMail(t, subject)
	_, err = c.SendMail(grpcContext(t), &mail.MailRequest{From: "a@example.org", To: "not an address", Subject: "x"})
	if s := status.Convert(err); s.Code() != codes.InvalidArgument || !strings.Contains(s.Message(), "to") {
		t.Errorf("bad to: %v, want InvalidArgument naming the field", err)
	}
	_, err = c.SendMail(grpcContext(t), &mail.MailRequest{From: "a@example.org", To: "b@example.com",
		Subject: "line\r\nBcc: x@example.com"})
	if status.Code(err) != codes.InvalidArgument {
		t.Errorf("CR/LF in the subject: %v, want InvalidArgument", err)
	}
}
