// Package e2e tests the running system end to end, through the broker, the way its clients use
// it: the six services on the test profile (scripts/test starts them with
// `scripts/services start --profile test` and exports .run/test/env), and the real servers
// behind them. Every address comes from the environment with the test profile's port as the
// default (scripts/lib/profile.sh); the tests stop and start services through scripts/services
// and always start them again when they end.
//
//	cd tests/interop && BUILD_DIR=$REPO_ROOT/build go test -count=1 -p 1 -v ./e2e/
package e2e

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// envOr returns the variable's value, or def when it is unset or empty.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// port is the variable's port number, or def.
func port(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func local(p int) string { return fmt.Sprintf("http://127.0.0.1:%d", p) }

// The test profile's addresses (scripts/lib/profile.sh).
var (
	brokerURL   = local(port("BROKER_PORT", 58080))
	frontendURL = local(port("FRONTEND_PORT", 58081))
	authURL     = envOr("AUTH_URL", local(port("AUTH_PORT", 58082)))
	loggerURL   = envOr("LOGGER_URL", local(port("LOGGER_PORT", 58083)))
	mailURL     = envOr("MAIL_URL", local(port("MAIL_SERVICE_PORT", 58084)))
	listenerURL = local(port("LISTENER_PORT", 58085))
	mailpitAPI  = envOr("MAILPIT_API", "http://127.0.0.1:58025")
	rabbitURL   = envOr("RABBIT_URL", "amqp://guest:guest@127.0.0.1:55672/")
	rpcAddr     = envOr("LOGGER_RPC_ADDR", fmt.Sprintf("127.0.0.1:%d", port("RPC_PORT", 55001)))
	dsn         = envOr("DSN", "host=127.0.0.1 port=55432 user=postgres dbname=users sslmode=disable connect_timeout=5")
)

// profile is the scripts/services profile the running system belongs to.
const profile = "test"

// repoRoot is $REPO_ROOT, or the directory above the working directory that holds
// scripts/services (go test runs in tests/interop/e2e).
func repoRoot(t testing.TB) string {
	t.Helper()
	if r := os.Getenv("REPO_ROOT"); r != "" {
		return r
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "scripts", "services")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("REPO_ROOT is not set and no scripts/services above the working directory")
		}
		dir = parent
	}
}

// buildDir is $BUILD_DIR, or $REPO_ROOT/build.
func buildDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("BUILD_DIR"); d != "" {
		abs, err := filepath.Abs(d)
		if err != nil {
			t.Fatal(err)
		}
		return abs
	}
	return filepath.Join(repoRoot(t), "build")
}

var systemUp = struct {
	sync.Once
	err error
}{}

// needSystem skips the test when the system is not running at all (the broker does not answer
// GET /ping). scripts/test always starts it, so under it these tests run.
func needSystem(t testing.TB) {
	t.Helper()
	systemUp.Do(func() {
		c := &http.Client{Timeout: 3 * time.Second}
		resp, err := c.Get(brokerURL + "/ping")
		if err != nil {
			systemUp.err = err
			return
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			systemUp.err = fmt.Errorf("GET /ping: %s", resp.Status)
		}
	})
	if systemUp.err != nil {
		t.Skipf("the system is not running (broker at %s: %v); scripts/test starts it", brokerURL, systemUp.err)
	}
}

// runID makes names unique to one run of one test, so that reads find only what it wrote.
func runID(prefix string) string {
	return fmt.Sprintf("%s-%d-%d", prefix, os.Getpid(), time.Now().UnixNano())
}
