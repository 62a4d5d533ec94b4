package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// envelope is the JSON answer of every service: {"error","message","data"?}.
type envelope struct {
	Error   bool            `json:"error"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// reply is one HTTP exchange as the tests see it.
type reply struct {
	Status  int
	Header  http.Header
	Body    []byte
	Env     envelope
	EnvErr  error // the body is not an envelope
	Elapsed time.Duration
}

func (r reply) String() string {
	body := string(r.Body)
	if len(body) > 300 {
		body = body[:300] + "..."
	}
	return fmt.Sprintf("%d %s", r.Status, body)
}

// client is shared by the tests; its timeout is a hang guard, far above any deadline.
var client = &http.Client{Timeout: 30 * time.Second}

// freshClient opens a new connection per request, so that successive requests reach the
// broker's workers (SO_REUSEPORT) at random rather than the one a kept-alive connection is on.
var freshClient = &http.Client{
	Timeout:   30 * time.Second,
	Transport: &http.Transport{DisableKeepAlives: true},
}

// send performs one request and fails the test when there is no answer; body is a string or
// []byte sent as is, nil for none, or anything else marshalled to JSON.
func send(t testing.TB, c *http.Client, method, url string, body any, header map[string]string) reply {
	t.Helper()
	r, err := do(c, method, url, body, header)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// do performs one request (safe in any goroutine).
func do(c *http.Client, method, url string, body any, header map[string]string) (reply, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return reply{}, err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return reply{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return reply{}, fmt.Errorf("%s %s: %w", method, url, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, fmt.Errorf("%s %s: reading the body: %w", method, url, err)
	}
	r := reply{Status: resp.StatusCode, Header: resp.Header, Body: raw, Elapsed: time.Since(start)}
	r.EnvErr = json.Unmarshal(raw, &r.Env)
	return r, nil
}

// handle POSTs a payload to the broker's /handle.
func handle(t testing.TB, payload any) reply {
	t.Helper()
	return send(t, client, http.MethodPost, brokerURL+"/handle", payload, nil)
}

// expect checks status and message of an envelope answer ("error" must be status >= 400).
func expect(t testing.TB, what string, r reply, status int, message string) bool {
	t.Helper()
	ok := true
	if r.Status != status {
		t.Errorf("%s: status %d, want %d (%s)", what, r.Status, status, r)
		ok = false
	}
	if r.EnvErr != nil {
		t.Errorf("%s: the body is not a JSON envelope: %v (%s)", what, r.EnvErr, r)
		return false
	}
	if r.Env.Message != message {
		t.Errorf("%s: message %q, want %q", what, r.Env.Message, message)
		ok = false
	}
	if r.Env.Error != (status >= 400) {
		t.Errorf("%s: error=%v with status %d", what, r.Env.Error, r.Status)
		ok = false
	}
	return ok
}

// logPayload is the broker's log action.
func logPayload(transport, name, data string) map[string]any {
	p := map[string]any{"action": "log", "log": map[string]string{"name": name, "data": data}}
	if transport != "" {
		p["transport"] = transport
	}
	return p
}

// mailPayload is the broker's mail action.
func mailPayload(from, to, subject, message string) map[string]any {
	return map[string]any{"action": "mail", "mail": map[string]string{
		"from": from, "to": to, "subject": subject, "message": message,
	}}
}

// authPayload is the broker's auth action.
func authPayload(email, password string) map[string]any {
	return map[string]any{"action": "auth", "auth": map[string]string{"email": email, "password": password}}
}

// sendBusy is send, but takes a 503 with Retry-After as the service's "busy, come back"
// (auth's full hashing queue, e.g. while a load test runs on the same system) and retries as a
// client should, for up to 20 s.
func sendBusy(t testing.TB, c *http.Client, method, url string, body any, header map[string]string) reply {
	t.Helper()
	end := time.Now().Add(20 * time.Second)
	for {
		r := send(t, c, method, url, body, header)
		after := r.Header.Get("Retry-After")
		if r.Status != http.StatusServiceUnavailable || after == "" || time.Now().After(end) {
			return r
		}
		t.Logf("busy (%s), retrying after %ss", r, after)
		wait, err := time.ParseDuration(after + "s")
		if err != nil || wait > time.Second {
			wait = time.Second
		}
		time.Sleep(wait)
	}
}

// handleBusy is handle with sendBusy's retries.
func handleBusy(t testing.TB, payload any) reply {
	t.Helper()
	return sendBusy(t, client, http.MethodPost, brokerURL+"/handle", payload, nil)
}
