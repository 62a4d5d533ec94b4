package e2e

import (
	"testing"
	"time"
)

// Each transport of the broker's log action stores one entry, read back through the logger's
// GET /logs: rpc (the default, and named), http, and amqp (RabbitMQ, then the listener, then
// the logger's POST /log), and grpc (logs.LogService/WriteLog).
func TestLogThroughBroker(t *testing.T) {
	needSystem(t)
	cases := []struct {
		transport string // "" sends no transport field
		answer    func(name string) string
		deadline  time.Duration
	}{
		{"", func(n string) string { return "Processed payload via RPC:" + n }, 10 * time.Second},
		{"rpc", func(n string) string { return "Processed payload via RPC:" + n }, 10 * time.Second},
		{"http", func(string) string { return "logged" }, 10 * time.Second},
		{"amqp", func(string) string { return "logged via RabbitMQ" }, 30 * time.Second},
		{"grpc", func(string) string { return "logged" }, 10 * time.Second},
	}
	for _, c := range cases {
		label := c.transport
		if label == "" {
			label = "default"
		}
		t.Run(label, func(t *testing.T) {
			if c.transport == "amqp" {
				needService(t, "listener")
			}
			name := runID("e2e-log-" + label)
			// Bytes that each hop must carry intact: non-ASCII, an emoji, quotes, a backslash,
			// a newline and a NUL.
			data := "data of " + name + ": é 😀 \"quoted\" back\\slash\nline\x00nul"
			from := time.Now()
			r := handle(t, logPayload(c.transport, name, data))
			if !expect(t, "log via "+label, r, 202, c.answer(name)) {
				return
			}
			entries := waitLogs(t, name, 1, c.deadline)
			if len(entries) != 1 {
				t.Fatalf("%d entries named %q, want 1", len(entries), name)
			}
			checkEntry(t, entries[0], data, from)
		})
	}
}

// GET /logs lists the newest first and honours limit.
func TestLogsNewestFirst(t *testing.T) {
	needSystem(t)
	name := runID("e2e-order")
	from := time.Now()
	for _, d := range []string{"first", "second", "third"} {
		expect(t, "log "+d, handle(t, logPayload("http", name, d)), 202, "logged")
	}
	entries := waitLogs(t, name, 3, 10*time.Second)
	if len(entries) != 3 {
		t.Fatalf("%d entries, want 3", len(entries))
	}
	for i, d := range []string{"third", "second", "first"} {
		checkEntry(t, entries[i], d, from)
	}
	if got := logsNamed(t, name, 2); len(got) != 2 || got[0].Data != "third" {
		t.Errorf("limit=2: %+v", got)
	}
}
