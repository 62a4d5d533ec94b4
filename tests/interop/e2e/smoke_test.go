package e2e

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// scripts/smoke against a broker that is not there fails (a smoke test that cannot fail
// proves nothing).
func TestSmokeFailsWithoutBroker(t *testing.T) {
	script := filepath.Join(repoRoot(t), "scripts", "smoke")
	if _, err := os.Stat(script); err != nil {
		t.Skipf("%s does not exist yet", script)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, script, "--broker", "http://127.0.0.1:1")
	cmd.Env = append(os.Environ(), "REPO_ROOT="+repoRoot(t))
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("scripts/smoke --broker http://127.0.0.1:1 did not finish within 60 s:\n%s", out)
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("scripts/smoke --broker http://127.0.0.1:1: %v, want a non-zero exit\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	t.Logf("exit %d; first line: %s; last line: %s", exit.ExitCode(), lines[0], lines[len(lines)-1])
}
