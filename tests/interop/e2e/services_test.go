package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// services runs `scripts/services CMD NAME --profile test`.
func services(t testing.TB, cmd, name string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	script := filepath.Join(repoRoot(t), "scripts", "services")
	c := exec.CommandContext(ctx, script, cmd, name, "--profile", profile)
	c.Env = append(os.Environ(), "REPO_ROOT="+repoRoot(t))
	out, err := c.CombinedOutput()
	if err != nil {
		t.Logf("scripts/services %s %s: %v\n%s", cmd, name, err, strings.TrimSpace(string(out)))
	}
	return err
}

// serviceRunning answers whether scripts/services reports the service running.
func serviceRunning(t testing.TB, name string) bool {
	t.Helper()
	script := filepath.Join(repoRoot(t), "scripts", "services")
	c := exec.Command(script, "status", name, "--profile", profile)
	c.Env = append(os.Environ(), "REPO_ROOT="+repoRoot(t))
	return c.Run() == nil
}

// stopService stops a service of the running system for the rest of the test; it is started
// again when the test ends, whatever happens in between. The returned function starts it
// earlier (and may be called more than once).
func stopService(t testing.TB, name string) (start func()) {
	t.Helper()
	start = func() {
		t.Helper()
		if err := services(t, "start", name); err != nil {
			t.Errorf("could not start %s again", name)
		}
	}
	t.Cleanup(func() {
		if !serviceRunning(t, name) {
			start()
		}
	})
	if err := services(t, "stop", name); err != nil {
		t.Fatalf("could not stop %s", name)
	}
	return start
}

// serviceURL is where a service of the running system answers HTTP.
func serviceURL(name string) string {
	return map[string]string{
		"broker": brokerURL, "frontend": frontendURL, "auth": authURL,
		"logger": loggerURL, "mail": mailURL, "listener": listenerURL,
	}[name]
}

// needService fails the test when a service it needs is not built or does not answer
// /healthz: scripts/test runs all six, so a missing one is a failure to report, not a reason
// to skip.
func needService(t testing.TB, name string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(buildDir(t), "bin", name)); err != nil {
		t.Fatalf("%s is not built (%s/bin/%s)", name, buildDir(t), name)
	}
	if ok, state := getOK(serviceURL(name) + "/healthz"); !ok {
		t.Fatalf("%s is not running: GET %s/healthz: %s", name, serviceURL(name), state)
	}
}
