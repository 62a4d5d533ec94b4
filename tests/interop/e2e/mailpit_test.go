package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// Mailpit's JSON API (the SMTP sink of the test profile): /api/v1/search, /api/v1/message/{ID}.

type mailAddress struct {
	Name    string
	Address string
}

type mailSummary struct {
	ID      string
	Subject string
	From    mailAddress
	To      []mailAddress
	Created time.Time
}

type mailMessage struct {
	ID      string
	From    mailAddress
	To      []mailAddress
	Cc      []mailAddress
	Bcc     []mailAddress
	ReplyTo []mailAddress
	Subject string
	Text    string
	HTML    string
}

func mailpitGet(t testing.TB, path string, into any) {
	t.Helper()
	r := send(t, client, http.MethodGet, mailpitAPI+path, nil, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("Mailpit GET %s: %s", path, r)
	}
	if err := json.Unmarshal(r.Body, into); err != nil {
		t.Fatalf("Mailpit GET %s: %v (%s)", path, err, r)
	}
}

// mailSearch runs a Mailpit search (e.g. `subject:"..."`), newest first.
func mailSearch(t testing.TB, query string) []mailSummary {
	t.Helper()
	var res struct {
		Messages []mailSummary `json:"messages"`
	}
	mailpitGet(t, "/api/v1/search?"+url.Values{"query": {query}, "limit": {"200"}}.Encode(), &res)
	return res.Messages
}

// mailBySubject returns the messages whose subject is exactly subject (the search matches
// words, so it is filtered here).
func mailBySubject(t testing.TB, subject string) []mailSummary {
	t.Helper()
	var out []mailSummary
	for _, m := range mailSearch(t, fmt.Sprintf("subject:%q", subject)) {
		if m.Subject == subject {
			out = append(out, m)
		}
	}
	return out
}

// mailGet reads one message, both parts decoded.
func mailGet(t testing.TB, id string) mailMessage {
	t.Helper()
	var m mailMessage
	mailpitGet(t, "/api/v1/message/"+url.PathEscape(id), &m)
	return m
}

// mailHeaders reads one message's headers.
func mailHeaders(t testing.TB, id string) map[string][]string {
	t.Helper()
	h := map[string][]string{}
	mailpitGet(t, "/api/v1/message/"+url.PathEscape(id)+"/headers", &h)
	return h
}

// waitMail polls Mailpit until a message with exactly that subject is there.
func waitMail(t testing.TB, subject string) mailSummary {
	t.Helper()
	var found []mailSummary
	eventually(t, fmt.Sprintf("a mail with subject %q in Mailpit", subject), 15*time.Second, 200*time.Millisecond,
		func() (bool, string) {
			found = mailBySubject(t, subject)
			return len(found) > 0, fmt.Sprintf("%d messages", len(found))
		})
	if len(found) != 1 {
		t.Errorf("%d messages with subject %q, want 1", len(found), subject)
	}
	return found[0]
}
