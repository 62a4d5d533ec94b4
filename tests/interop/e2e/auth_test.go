package e2e

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

const (
	adminEmail    = "admin@example.com"
	adminPassword = "verysecret"
)

// psql runs one SQL statement against the auth service's database ($DSN) and returns the
// unaligned output.
func psql(t testing.TB, sql string) string {
	t.Helper()
	path, err := exec.LookPath("psql")
	if err != nil {
		t.Fatalf("psql is needed to prepare users: %v", err)
	}
	out, err := exec.Command(path, dsn, "-X", "-v", "ON_ERROR_STOP=1", "-At", "-c", sql).CombinedOutput()
	if err != nil {
		t.Fatalf("psql %q: %v\n%s", sql, err, out)
	}
	return strings.TrimSpace(string(out))
}

// sqlQuote is a SQL string literal.
func sqlQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// user is what auth returns: never a password or hash field.
type user struct {
	ID        int    `json:"id"`
	Email     string `json:"email"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Active    int    `json:"active"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

func TestAuthThroughBroker(t *testing.T) {
	needSystem(t)

	t.Run("success", func(t *testing.T) {
		from := time.Now()
		r := handleBusy(t, authPayload(adminEmail, adminPassword))
		if !expect(t, "auth admin", r, 202, "Authenticated!") {
			return
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(r.Env.Data, &fields); err != nil {
			t.Fatalf("data is not an object: %v (%s)", err, r)
		}
		for _, k := range []string{"id", "email", "first_name", "last_name", "active", "created_at", "updated_at"} {
			if _, ok := fields[k]; !ok {
				t.Errorf("data has no %q: %s", k, r.Env.Data)
			}
		}
		for k := range fields {
			if l := strings.ToLower(k); strings.Contains(l, "password") || strings.Contains(l, "hash") {
				t.Errorf("data carries %q: %s", k, r.Env.Data)
			}
		}
		if strings.Contains(string(r.Body), "$argon2") || strings.Contains(string(r.Body), "$2a$") {
			t.Errorf("the answer carries a hash: %s", r.Body)
		}
		var u user
		if err := json.Unmarshal(r.Env.Data, &u); err != nil {
			t.Fatalf("data: %v", err)
		}
		if u.Email != adminEmail || u.FirstName != "Admin" || u.LastName != "User" || u.Active != 1 || u.ID <= 0 {
			t.Errorf("user %+v", u)
		}
		// On success auth logs the login to the logger (over RPC); it shows up in GET /logs.
		want := adminEmail + " logged in"
		eventually(t, "the login's log entry", 10*time.Second, 200*time.Millisecond, func() (bool, string) {
			for _, e := range logsNamed(t, "authentication", 50) {
				if e.Data == want && !e.CreatedAt.Before(from.Add(-time.Second)) {
					return true, ""
				}
			}
			return false, "no entry " + want
		})
	})

	t.Run("wrong password", func(t *testing.T) {
		expect(t, "auth with a wrong password", handleBusy(t, authPayload(adminEmail, "not-the-password")), 401, "invalid credentials")
	})

	t.Run("unknown user", func(t *testing.T) {
		expect(t, "auth of an unknown user", handleBusy(t, authPayload(runID("nobody")+"@example.com", adminPassword)), 401, "invalid credentials")
	})

	t.Run("inactive user", func(t *testing.T) {
		// A user with the admin's own hash (so the password is right) but user_active = 0.
		email := runID("inactive") + "@example.com"
		t.Cleanup(func() { psql(t, "DELETE FROM users WHERE email = "+sqlQuote(email)) })
		psql(t, fmt.Sprintf(`INSERT INTO users (email, first_name, last_name, password, user_active, created_at, updated_at)
			SELECT %s, 'Inactive', 'User', password, 0, now(), now() FROM users WHERE email = %s`,
			sqlQuote(email), sqlQuote(adminEmail)))
		if got := psql(t, "SELECT user_active FROM users WHERE email = "+sqlQuote(email)); got != "0" {
			t.Fatalf("the inactive user was not created (user_active %q)", got)
		}
		expect(t, "auth of an inactive user with the right password", handleBusy(t, authPayload(email, adminPassword)), 401, "invalid credentials")
		// The same hash does let the active admin in: the 401 above is for user_active alone.
		expect(t, "auth admin", handleBusy(t, authPayload(adminEmail, adminPassword)), 202, "Authenticated!")
	})
}
