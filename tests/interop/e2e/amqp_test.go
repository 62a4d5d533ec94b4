package e2e

import (
	"fmt"
	"sort"
	"testing"
	"time"
)

// Messages published while no listener runs wait in the durable queue; when the listener
// starts, every one of them reaches the store exactly once (at-least-once delivery made
// harmless by the message_id the logger stores under).
func TestAMQPListenerStoppedThenStarted(t *testing.T) {
	needSystem(t)
	needService(t, "listener")
	needService(t, "logger")
	const n = 50
	name := runID("e2e-amqp-once")
	from := time.Now()

	start := stopService(t, "listener")
	for i := 0; i < n; i++ {
		r := handle(t, logPayload("amqp", name, fmt.Sprint(i)))
		if !expect(t, fmt.Sprintf("log %d via amqp with the listener stopped", i), r, 202, "logged via RabbitMQ") {
			t.FailNow()
		}
	}
	if got := logsNamed(t, name, 1000); len(got) != 0 {
		t.Errorf("%d entries stored while no listener ran, want 0", len(got))
	}
	start()

	eventually(t, "the listener's /readyz", 30*time.Second, 200*time.Millisecond, func() (bool, string) {
		return getOK(listenerURL + "/readyz")
	})
	waitLogs(t, name, n, 30*time.Second)
	// Anything delivered twice would land within moments of the first copy; give it time.
	time.Sleep(3 * time.Second)
	entries := logsNamed(t, name, 1000)
	if len(entries) != n {
		t.Errorf("%d entries named %q, want exactly %d", len(entries), name, n)
	}
	seen := map[string]int{}
	for _, e := range entries {
		seen[e.Data]++
		checkEntry(t, e, e.Data, from)
	}
	var wrong []string
	for i := 0; i < n; i++ {
		if c := seen[fmt.Sprint(i)]; c != 1 {
			wrong = append(wrong, fmt.Sprintf("%d stored %d times", i, c))
		}
		delete(seen, fmt.Sprint(i))
	}
	for d := range seen {
		wrong = append(wrong, fmt.Sprintf("unexpected data %q", d))
	}
	sort.Strings(wrong)
	for _, w := range wrong {
		t.Error(w)
	}
}
