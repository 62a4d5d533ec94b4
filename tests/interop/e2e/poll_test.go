package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// eventually calls check every interval until it reports done or the deadline passes; then
// the test fails with the last state check described. No timing is asserted: the deadline
// only keeps a broken system from hanging the suite.
func eventually(t testing.TB, what string, deadline, interval time.Duration, check func() (bool, string)) {
	t.Helper()
	end := time.Now().Add(deadline)
	for {
		done, state := check()
		if done {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("%s: not after %v; last: %s", what, deadline, state)
		}
		time.Sleep(interval)
	}
}

// logEntry is one item of the logger's GET /logs.
type logEntry struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Data      string    `json:"data"`
	CreatedAt time.Time `json:"created_at"`
}

// logsNamed reads the logger's newest entries with that name (GET /logs?name=&limit=), or
// of any name when name is "".
func logsNamed(t testing.TB, name string, limit int) []logEntry {
	t.Helper()
	q := url.Values{"limit": {fmt.Sprint(limit)}}
	if name != "" {
		q.Set("name", name)
	}
	// A listing reads the whole recent window on FerretDB (docs/mongo.md), so under load it
	// may miss its deadline: a 503/504 is tried again a few times before it counts.
	var r reply
	for try := 0; ; try++ {
		r = send(t, client, http.MethodGet, loggerURL+"/logs?"+q.Encode(), nil, nil)
		if (r.Status != http.StatusServiceUnavailable && r.Status != http.StatusGatewayTimeout) || try == 3 {
			break
		}
		t.Logf("GET /logs?%s: %s; trying again", q.Encode(), r)
		time.Sleep(time.Second)
	}
	if r.Status != http.StatusOK || r.EnvErr != nil || r.Env.Error {
		t.Fatalf("GET /logs?%s: %s", q.Encode(), r)
	}
	var entries []logEntry
	if len(r.Env.Data) > 0 && string(r.Env.Data) != "null" {
		if err := json.Unmarshal(r.Env.Data, &entries); err != nil {
			t.Fatalf("GET /logs?%s: data is not a list of entries: %v (%s)", q.Encode(), err, r)
		}
	}
	for _, e := range entries {
		if name != "" && e.Name != name {
			t.Fatalf("GET /logs?%s returned an entry named %q", q.Encode(), e.Name)
		}
	}
	return entries
}

// waitLogs polls GET /logs until at least n entries with that name are there.
func waitLogs(t testing.TB, name string, n int, deadline time.Duration) []logEntry {
	t.Helper()
	var entries []logEntry
	eventually(t, fmt.Sprintf("%d log entries named %q", n, name), deadline, 200*time.Millisecond, func() (bool, string) {
		entries = logsNamed(t, name, 1000)
		return len(entries) >= n, fmt.Sprintf("%d entries", len(entries))
	})
	return entries
}

// checkEntry checks one stored entry's data and that created_at lies within the test's span
// (the services run on this machine, so the clocks agree; a second of slack for rounding).
func checkEntry(t testing.TB, e logEntry, data string, from time.Time) {
	t.Helper()
	if e.Data != data {
		t.Errorf("entry %s: data %q, want %q", e.ID, e.Data, data)
	}
	if e.ID == "" {
		t.Errorf("entry named %q has no id", e.Name)
	}
	if e.CreatedAt.IsZero() {
		t.Errorf("entry %s has no created_at", e.ID)
	} else if e.CreatedAt.Before(from.Add(-time.Second)) || e.CreatedAt.After(time.Now().Add(time.Second)) {
		t.Errorf("entry %s: created_at %s is outside the test's span [%s, now]", e.ID,
			e.CreatedAt.Format(time.RFC3339Nano), from.Format(time.RFC3339Nano))
	}
}

// getOK answers whether GET url is 200 now.
func getOK(url string) (bool, string) {
	c := &http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return false, err.Error()
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK, resp.Status
}
