package e2e

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The Go system's front-end test page (front-end/cmd/web/templates/test.page.gohtml) sends
// these requests to the broker at http://localhost:8080: the body is JSON.stringify of its
// payload (so the bytes below, keys in this order) with `Content-Type: application/json`;
// "Test Broker" posts nothing at all.
type pageRequest struct {
	button string
	path   string
	body   string // "" sends no body and no Content-Type
	status int
	answer string
}

var goPage = []pageRequest{
	{"Test Broker", "", "", 200, "Hit the broker"},
	{"Test Auth", "/handle", `{"action":"auth","auth":{"email":"admin@example.com","password":"verysecret"}}`, 202, "Authenticated!"},
	{"Test Log", "/handle", `{"action":"log","log":{"name":"event","data":"Some kind of data"}}`, 202, "Processed payload via RPC:event"},
	{"Test Mail", "/handle", `{"action":"mail","mail":{"from":"me@example.com","to":"you@there.com","subject":"Test email","message":"Hello world!"}}`, 202, "Message sent to you@there.com"},
	{"Test gRPC log", "/log-grpc", `{"action":"log","log":{"name":"event","data":"Some kind of gRPC data"}}`, 202, "logged"},
}

// replayPage sends the page's requests to base (what the page calls "http://localhost:8080")
// and checks each answer as the page reads it: status, error flag, message.
func replayPage(t *testing.T, base string) {
	from := time.Now()
	for _, p := range goPage {
		var body any
		if p.body != "" {
			body = p.body
		}
		url := base + p.path
		if p.path == "" {
			url = strings.TrimSuffix(base, "/") + "/"
		}
		r := sendBusy(t, client, http.MethodPost, url, body, nil)
		if !expect(t, p.button, r, p.status, p.answer) {
			continue
		}
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s: Content-Type %q", p.button, ct)
		}
		switch p.button {
		case "Test Auth":
			var u user
			if err := json.Unmarshal(r.Env.Data, &u); err != nil || u.Email != adminEmail {
				t.Errorf("%s: data %s", p.button, r.Env.Data)
			}
		case "Test Broker":
			if len(r.Env.Data) != 0 {
				t.Errorf("%s: data %s, want none", p.button, r.Env.Data)
			}
		}
	}

	// What the requests did: an "event" entry in the logger, a mail in Mailpit.
	eventually(t, "the page's log entry", 10*time.Second, 200*time.Millisecond, func() (bool, string) {
		for _, e := range logsNamed(t, "event", 200) {
			if e.Data == "Some kind of data" && !e.CreatedAt.Before(from.Add(-time.Second)) {
				return true, ""
			}
		}
		return false, "no new event entry"
	})
	var mail mailSummary
	eventually(t, "the page's mail", 15*time.Second, 200*time.Millisecond, func() (bool, string) {
		for _, m := range mailBySubject(t, "Test email") {
			if len(m.To) == 1 && m.To[0].Address == "you@there.com" && !m.Created.Before(from.Add(-time.Second)) {
				mail = m
				return true, ""
			}
		}
		return false, "no new mail"
	})
	m := mailGet(t, mail.ID)
	if m.From.Address != "noreply@example.com" || len(m.ReplyTo) != 1 || m.ReplyTo[0].Address != "me@example.com" {
		t.Errorf("From %+v Reply-To %+v, want noreply@example.com and me@example.com", m.From, m.ReplyTo)
	}
	if !strings.Contains(m.Text, "Hello world!") || !strings.Contains(m.HTML, "Hello world!") {
		t.Errorf("the mail's parts do not hold the message:\n%s\n%s", m.Text, m.HTML)
	}
}

// The Go page's requests, to our broker directly and through our frontend's /api proxy.
func TestGoPageRequests(t *testing.T) {
	needSystem(t)
	t.Run("broker", func(t *testing.T) { replayPage(t, brokerURL) })
	t.Run("frontend /api", func(t *testing.T) {
		needService(t, "frontend")
		replayPage(t, frontendURL+"/api")
	})
}

// The Go page is served from its own origin and calls the broker cross-origin, so a browser
// sends a preflight for its JSON posts: a broker configured with CORS_ORIGINS lets them through.
func TestGoPageCORS(t *testing.T) {
	needSystem(t)
	const origin = "http://localhost"
	broker := startBroker(t, "CORS_ORIGINS="+origin)
	pre := send(t, client, http.MethodOptions, broker+"/handle", nil, map[string]string{
		"Origin":                         origin,
		"Access-Control-Request-Method":  "POST",
		"Access-Control-Request-Headers": "content-type",
	})
	if pre.Status < 200 || pre.Status > 299 {
		t.Errorf("preflight: %s", pre)
	}
	if got := pre.Header.Get("Access-Control-Allow-Origin"); got != origin && got != "*" {
		t.Errorf("preflight: Access-Control-Allow-Origin %q", got)
	}
	if got := strings.ToUpper(pre.Header.Get("Access-Control-Allow-Methods")); !strings.Contains(got, "POST") {
		t.Errorf("preflight: Access-Control-Allow-Methods %q", got)
	}
	if got := strings.ToLower(pre.Header.Get("Access-Control-Allow-Headers")); !strings.Contains(got, "content-type") {
		t.Errorf("preflight: Access-Control-Allow-Headers %q", got)
	}
	r := send(t, client, http.MethodPost, broker+"/handle", goPage[2].body, map[string]string{"Origin": origin})
	expect(t, "the page's log with an Origin", r, 202, "Processed payload via RPC:event")
	if got := r.Header.Get("Access-Control-Allow-Origin"); got != origin && got != "*" {
		t.Errorf("POST: Access-Control-Allow-Origin %q", got)
	}
}
