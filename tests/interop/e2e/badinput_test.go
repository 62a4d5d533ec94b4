package e2e

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Bad requests through the broker get a clear 4xx envelope naming what is wrong, and leave
// nothing behind: no log entry under the request's name, no mail with its subject.
func TestBadInputsThroughBroker(t *testing.T) {
	needSystem(t)
	id := runID("e2e-bad")
	logName := id // every log request below carries this name
	subject := "Subject " + id
	big := strings.Repeat("x", 2<<20) // 2 MiB: over the 1 MiB body limit

	type check struct {
		what     string
		body     any
		status   int
		contains string // the message must contain it
	}
	mail := func(from, to, subj, msg string) any { return mailPayload(from, to, subj, msg) }
	checks := []check{
		{"empty body", "", 400, ""},
		{"malformed JSON", `{"action":"log","log":{"name":"` + logName + `","data":"x"}`, 400, "malformed JSON"},
		{"not an object", `["log"]`, 400, "object"},
		{"missing action", map[string]any{"log": map[string]string{"name": logName, "data": "x"}}, 400, "action"},
		{"unknown action", map[string]any{"action": "nope", "log": map[string]string{"name": logName, "data": "x"}}, 400, "unknown action"},
		{"log without name", map[string]any{"action": "log", "log": map[string]string{"data": logName}}, 400, "log.name"},
		{"log without data", map[string]any{"action": "log", "log": map[string]string{"name": logName}}, 400, "log.data"},
		{"log without data, http", map[string]any{"action": "log", "transport": "http", "log": map[string]string{"name": logName}}, 400, "log.data"},
		{"log without data, amqp", map[string]any{"action": "log", "transport": "amqp", "log": map[string]string{"name": logName}}, 400, "log.data"},
		{"log without the log object", map[string]any{"action": "log"}, 400, "log"},
		{"log with a number for name", `{"action":"log","log":{"name":42,"data":"` + logName + `"}}`, 400, "log.name"},
		{"unknown transport", map[string]any{"action": "log", "transport": "smtp", "log": map[string]string{"name": logName, "data": "x"}}, 400, "transport"},
		{"log of 2 MiB", logPayload("http", logName, big), 413, ""},
		{"log of 2 MiB, amqp", logPayload("amqp", logName, big), 413, ""},
		{"auth without email", map[string]any{"action": "auth", "auth": map[string]string{"password": adminPassword}}, 400, "auth.email"},
		{"auth without password", map[string]any{"action": "auth", "auth": map[string]string{"email": adminEmail}}, 400, "auth.password"},
		{"mail without to", map[string]any{"action": "mail", "mail": map[string]string{"from": "a@example.com", "subject": subject, "message": "m"}}, 400, "mail.to"},
		{"mail without from", map[string]any{"action": "mail", "mail": map[string]string{"to": "b@example.com", "subject": subject, "message": "m"}}, 400, "mail.from"},
		{"mail without subject", map[string]any{"action": "mail", "mail": map[string]string{"from": "a@example.com", "to": "b@example.com", "message": subject}}, 400, "mail.subject"},
		{"mail with CR/LF in the subject", mail("a@example.com", "b@example.com", subject+"\r\nBcc: victim@example.com", "m"), 400, "subject"},
		{"mail with LF in the subject", mail("a@example.com", "b@example.com", subject+"\nX-Injected: 1", "m"), 400, "subject"},
		{"mail with CR/LF in to", mail("a@example.com", "b@example.com\r\nBcc: victim@example.com", subject, "m"), 400, "to"},
		{"mail with CR/LF in from", mail("a@example.com\r\nBcc: victim@example.com", "b@example.com", subject, "m"), 400, "from"},
		{"mail to an invalid address", mail("a@example.com", "not-an-address", subject, "m"), 400, "to"},
		{"mail of 2 MiB", mail("a@example.com", "b@example.com", subject, big), 413, ""},
	}
	for _, c := range checks {
		r := handle(t, c.body)
		if r.Status != c.status {
			t.Errorf("%s: %s, want %d", c.what, r, c.status)
			continue
		}
		if r.EnvErr != nil || !r.Env.Error || r.Env.Message == "" {
			t.Errorf("%s: not an error envelope with a message: %s", c.what, r)
			continue
		}
		if !strings.Contains(r.Env.Message, c.contains) {
			t.Errorf("%s: message %q does not name %q", c.what, r.Env.Message, c.contains)
		}
		t.Logf("%-32s %d %s", c.what, r.Status, r.Env.Message)
	}

	// HTTP-level mistakes.
	r := send(t, client, http.MethodGet, brokerURL+"/handle", nil, nil)
	if r.Status != http.StatusMethodNotAllowed {
		t.Errorf("GET /handle: %s, want 405", r)
	}
	r = send(t, client, http.MethodPost, brokerURL+"/no-such-route", logPayload("", logName, "x"), nil)
	if r.Status != http.StatusNotFound {
		t.Errorf("POST /no-such-route: %s, want 404", r)
	}

	// Nothing stored. A log published over AMQP by mistake would need the listener to arrive:
	// give it the time a good one takes in the other tests.
	probe := runID("e2e-bad-probe")
	deadline := 2 * time.Second
	if serviceRunning(t, "listener") {
		// A good message sent after the bad ones: once it is stored, anything published
		// before it would have been too (one queue, one listener).
		expect(t, "a good log via amqp", handle(t, logPayload("amqp", probe, "x")), 202, "logged via RabbitMQ")
		waitLogs(t, probe, 1, 30*time.Second)
	} else {
		time.Sleep(deadline)
	}
	if got := logsNamed(t, logName, 1000); len(got) != 0 {
		b, _ := json.Marshal(got)
		t.Errorf("the logger stored %d entries from bad requests: %s", len(got), b)
	}
	for _, m := range append(mailSearch(t, id), mailBySubject(t, subject)...) {
		t.Errorf("Mailpit holds a mail from a bad request: %+v", m)
	}
	// The log without name carried the run id as data; no recent entry holds it.
	for _, e := range logsNamed(t, "", 1000) {
		if strings.Contains(e.Data, id) {
			t.Errorf("an entry holds the run id: %+v", e)
		}
	}
}
